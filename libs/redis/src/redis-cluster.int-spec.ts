// The shared cache, the rate limiter and a BullMQ queue on a Redis Cluster of the test's own
// (three masters on loopback ports), as REDIS_CLUSTER_NODES selects it.
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Queue, Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import { type CacheNamespace, SharedCache } from '@helpdeskly/cache';
import type { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { GCRA_SCRIPT, type LimitCheck, RateLimiter, RedisRateLimiter } from '@helpdeskly/rate-limit';
import { RedisCluster, testConfig, waitFor } from '@helpdeskly/testing';
import { type CacheRedis, CacheRedisCluster, createCacheRedis } from './redis.client';

const unique = () => randomBytes(4).toString('hex');

describe('Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  let cluster: RedisCluster;
  let config: AppConfig;
  const clients: CacheRedis[] = [];
  const caches: SharedCache[] = [];

  async function client(): Promise<CacheRedis> {
    const redis = createCacheRedis(config);
    clients.push(redis);
    await waitFor('the cluster client ready', async () => redis.status === 'ready', 10_000, 20);
    return redis;
  }

  /** The master serving `key`, as `host:port`. */
  async function nodeOf(redis: CacheRedis, key: string): Promise<string> {
    const slot = (await redis.cluster('KEYSLOT', key)) as number;
    return (redis as Cluster).slots[slot][0];
  }

  before(async () => {
    cluster = await RedisCluster.start();
    config = testConfig({ REDIS_CLUSTER_NODES: cluster.nodes, QUEUE_PREFIX: `cluster-spec-${unique()}` });
  });

  after(async () => {
    for (const cache of caches) await cache.onApplicationShutdown();
    for (const redis of clients) await redis.onApplicationShutdown();
    await cluster?.stop();
  });

  it('connects to the cluster, not to REDIS_CACHE_URL, and hash-tags the queue prefix', async () => {
    expect(config.redis.clusterNodes).toEqual(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    expect(config.queues.prefix).toMatch(/^\{cluster-spec-[0-9a-f]{8}\}$/);
    const redis = await client();
    expect(redis).toBeInstanceOf(CacheRedisCluster);
    expect((redis as Cluster).nodes('master')).toHaveLength(3);
    const single = createCacheRedis(testConfig({ REDIS_CLUSTER_NODES: '' }));
    clients.push(single);
    expect(single).not.toBeInstanceOf(Cluster);
  });

  describe('SharedCache', () => {
    let redis: CacheRedis;
    const namespace = `cluster-${unique()}`;
    let a: CacheNamespace<string>;
    let b: CacheNamespace<string>;

    before(async () => {
      const instances = [];
      for (let i = 0; i < 2; i++) {
        const cache = new SharedCache(await client(), config, new MetricsRegistry());
        cache.onModuleInit();
        caches.push(cache);
        instances.push(cache.namespace<string>(namespace, { l1TtlMs: 300_000 }));
      }
      [a, b] = instances;
      redis = clients[clients.length - 1];
      // Each instance's subscriber sits on one node; a PUBLISH on any node reaches them all.
      await waitFor(
        'both subscribers',
        async () => {
          const counts = await Promise.all(
            (redis as Cluster)
              .nodes('master')
              .map(async (node) => ((await node.pubsub('NUMSUB', caches[0].channel)) as [string, number])[1]),
          );
          return counts.reduce((sum, n) => sum + n, 0) >= 2;
        },
        10_000,
        50,
      );
    });

    it('shares an entry between instances and invalidates both, whichever node holds the key', async () => {
      // Keys until every master holds one: the invalidation of each is published from its node.
      const keys = new Map<string, string>();
      while (keys.size < 3) {
        const key = `k-${unique()}`;
        const node = await nodeOf(redis, `hd:cache:${namespace}:${key}`);
        if (![...keys.values()].includes(node)) keys.set(key, node);
      }
      for (const key of keys.keys()) {
        let loads = 0;
        const load = async () => `${key}-v${++loads}`;
        expect(await a.getOrLoad(key, load)).toBe(`${key}-v1`);
        // B finds it in Redis, not in the source.
        expect(await b.getOrLoad(key, load)).toBe(`${key}-v1`);
        expect(loads).toBe(1);

        await a.invalidate(key);
        await waitFor(`B dropped ${key}`, async () => (await b.getOrLoad(key, load)) !== `${key}-v1`, 5_000, 20);
        expect(loads).toBe(2);
        expect(await a.getOrLoad(key, load)).toBe(`${key}-v2`);
      }
    });
  });

  describe('RedisRateLimiter', () => {
    let redis: CacheRedis;
    const check = (policy: LimitCheck['policy'], key: string, limit: number): LimitCheck => ({
      policy,
      key,
      limit,
      windowSeconds: 60,
    });
    const auth = (ip: string, account: string, perIp = 5, perAccount = 2) => [
      check('auth-ip', `rl:auth-ip:${ip}`, perIp),
      check('auth-account', `rl:auth-account:${account}`, perAccount),
    ];

    /** An IP and an account whose keys live on different masters, as most do. */
    async function apart(): Promise<{ ip: string; account: string }> {
      for (;;) {
        const ip = `10.${unique()}`;
        const account = unique();
        if ((await nodeOf(redis, `rl:auth-ip:${ip}`)) !== (await nodeOf(redis, `rl:auth-account:${account}`)))
          return { ip, account };
      }
    }

    before(async () => {
      redis = await client();
    });

    it('refuses one script over the keys of an authentication request (why the limiter groups them)', async () => {
      const { ip, account } = await apart();
      await expect(
        redis.eval(GCRA_SCRIPT, 2, `rl:auth-ip:${ip}`, `rl:auth-account:${account}`, 5, 60_000, 2, 60_000),
      ).rejects.toThrow(/CROSSSLOT|same slot/);
    });

    it('limits a tenant and its users in one call (one hash tag)', async () => {
      const limiter = new RateLimiter(redis);
      const tenant = unique();
      const checks = (user: string) => [
        check('tenant', `rl:{${tenant}}:tenant`, 5),
        check('user', `rl:{${tenant}}:user:${user}`, 3),
      ];
      const first = [];
      for (let i = 0; i < 4; i++) first.push(await limiter.check(checks('u1')));
      expect(first.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(first[3]).toMatchObject({ refusedBy: 'user', limiter: 'redis' });
      // The refusal consumed nothing of the tenant: two are left for another user.
      const second = [];
      for (let i = 0; i < 3; i++) second.push(await limiter.check(checks('u2')));
      expect(second.map((d) => d.allowed)).toEqual([true, true, false]);
      expect(second[2]).toMatchObject({ refusedBy: 'tenant', limiter: 'redis' });
    });

    it('limits the IP and the account of an authentication route on different nodes; a refusal consumes neither', async () => {
      const limiter = new RateLimiter(redis);
      const { ip, account } = await apart();
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await limiter.check(auth(ip, account)));
      expect(answers.map((d) => d.allowed)).toEqual([true, true, false]);
      expect(answers[2]).toMatchObject({ refusedBy: 'auth-account', limiter: 'redis' });
      expect(answers[2].states.map((s) => s.remaining)).toEqual([3, 0]);
      // The refused request left the IP's quota alone: 5 - 2 consumed - this one.
      const other = await limiter.check(auth(ip, unique()));
      expect(other).toMatchObject({ allowed: true, limiter: 'redis' });
      expect(other.states.map((s) => s.remaining)).toEqual([2, 1]);
    });

    it('never lets more through than a limit under concurrency: 60 accounts from one IP limited to 20', async () => {
      const { ip } = await apart();
      const patient = new RedisRateLimiter(redis, 10_000);
      const answers = await Promise.all([...Array(60)].map(() => patient.check(auth(ip, unique(), 20, 5))));
      expect(answers.filter((d) => d.allowed)).toHaveLength(20);
      expect(answers.filter((d) => !d.allowed).every((d) => d.refusedBy === 'auth-ip')).toBe(true);
    });
  });

  it('runs a BullMQ queue and worker with the hash-tagged prefix', async () => {
    const nodes = config.redis.clusterNodes.map(({ host, port }) => ({ host, port }));
    const connection = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: null } });
    connection.on('error', () => undefined);
    const queue = new Queue('cluster-spec', { connection, prefix: config.queues.prefix });
    let processed: unknown;
    const done = new Promise<void>((resolve) => {
      const worker = new Worker(
        'cluster-spec',
        async (job) => {
          processed = job.data;
          return 'ok';
        },
        { connection, prefix: config.queues.prefix },
      );
      worker.on('completed', () => void worker.close().then(resolve));
    });
    try {
      await queue.add('hello', { n: 42 });
      await done;
      expect(processed).toEqual({ n: 42 });
      expect(await queue.getCompletedCount()).toBe(1);
    } finally {
      await queue.close();
      await connection.quit();
    }
  });
});
