import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { CacheRedisClient } from '@helpdeskly/redis';
import { RedisServer, TcpProxy, testConfig, waitFor } from '@helpdeskly/testing';
import { type CacheNamespace, SharedCache } from './shared-cache';

/** Long enough that only an invalidation (or a reconnect) can explain an entry leaving the in-process level. */
const L1_TTL_MS = 300_000;

interface Instance {
  readonly cache: SharedCache;
  readonly redis: CacheRedisClient;
  readonly proxy: TcpProxy;
  readonly metrics: MetricsRegistry;
  ns<V>(name: string): CacheNamespace<V>;
}

/** A source of truth that counts its loads and can hold one until released. */
class Source<V> {
  loads = 0;
  private gate?: Promise<void>;
  private open?: () => void;

  constructor(public value: V) {}

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  load = async (): Promise<V> => {
    this.loads++;
    const value = this.value;
    await this.gate;
    return value;
  };
}

const unique = () => `int-${randomBytes(4).toString('hex')}`;

describe('SharedCache against Redis', () => {
  let server: RedisServer;
  let port: number;
  let raw: Redis;
  const instances: Instance[] = [];

  /** An app instance: its own cache connection (through a proxy that can be cut) and subscriber. */
  async function instance(): Promise<Instance> {
    const proxy = await new TcpProxy('127.0.0.1', port).start();
    const config = testConfig({
      REDIS_URL: `redis://127.0.0.1:${proxy.port}/0`,
      REDIS_CACHE_URL: `redis://127.0.0.1:${proxy.port}/0`,
    });
    const redis = new CacheRedisClient(config);
    const metrics = new MetricsRegistry();
    const cache = new SharedCache(redis, config, metrics);
    cache.onModuleInit();
    const created: Instance = {
      cache,
      redis,
      proxy,
      metrics,
      ns: <V>(name: string) => cache.namespace<V>(name, { l1TtlMs: L1_TTL_MS }),
    };
    instances.push(created);
    await waitFor(
      'the instance connected and subscribed',
      async () => redis.status === 'ready' && (await subscribers()) >= instances.length,
      5_000,
      20,
    );
    return created;
  }

  async function subscribers(): Promise<number> {
    const [, count] = (await raw.pubsub('NUMSUB', 'hd:cache:invalidations:db0')) as [string, number];
    return count;
  }

  async function close(i: Instance): Promise<void> {
    await i.cache.onApplicationShutdown();
    await i.redis.onApplicationShutdown();
    await i.proxy.cut();
  }

  const levels = async (metrics: MetricsRegistry, namespace: string) =>
    Object.fromEntries(
      (await metrics.cacheReads.get()).values
        .filter((v) => v.labels.namespace === namespace)
        .map((v) => [v.labels.level, v.value]),
    );

  before(async () => {
    Logger.overrideLogger(['error']);
    server = await RedisServer.start();
    port = server.port;
    raw = new Redis({ port, retryStrategy: () => 50 });
  });

  after(async () => {
    for (const i of instances) await close(i).catch(() => undefined);
    raw?.disconnect();
    await server?.stop();
  });

  it('answers from the source, then from Redis on another instance, then from process memory', async () => {
    const [a, b] = [await instance(), await instance()];
    const name = unique();
    const source = new Source({ plan: 'free' });
    expect(await a.ns(name).getOrLoad('t1', source.load)).toEqual({ plan: 'free' });
    expect(await b.ns(name).getOrLoad('t1', source.load)).toEqual({ plan: 'free' });
    expect(await b.ns(name).getOrLoad('t1', source.load)).toEqual({ plan: 'free' });
    expect(source.loads).toBe(1);
    expect(await levels(a.metrics, name)).toEqual({ load: 1 });
    expect(await levels(b.metrics, name)).toEqual({ redis: 1, l1: 1 });
    expect(await raw.hget(`hd:cache:${name}:t1`, 'd')).toBe('{"plan":"free"}');
    expect(await raw.ttl(`hd:cache:${name}:t1`)).toBeGreaterThan(200);
  });

  it('caches null in Redis too', async () => {
    const [a, b] = [instances[0], instances[1]];
    const name = unique();
    const source = new Source<string | null>(null);
    expect(await a.ns(name).getOrLoad('ghost', source.load)).toBeNull();
    expect(await b.ns(name).getOrLoad('ghost', source.load)).toBeNull();
    expect(source.loads).toBe(1);
  });

  it('drops the entry on every instance when one invalidates, in well under a second', async (t) => {
    const [a, b] = [instances[0], instances[1]];
    const name = unique();
    const source = new Source('ACTIVE');
    await a.ns(name).getOrLoad('t', source.load);
    expect(await b.ns(name).getOrLoad('t', source.load)).toBe('ACTIVE');
    source.value = 'SUSPENDED';
    const started = performance.now();
    await a.ns(name).invalidate('t');
    let seenMs = 0;
    await waitFor(
      'the other instance to see the change',
      async () =>
        (await b.ns(name).getOrLoad('t', source.load)) === 'SUSPENDED' && (seenMs = performance.now() - started) > 0,
      1_000,
      5,
    );
    t.diagnostic(`invalidation seen by the other instance after ${seenMs.toFixed(1)} ms`);
    expect(await a.ns(name).getOrLoad('t', source.load)).toBe('SUSPENDED');
    expect(seenMs).toBeLessThan(1_000);
  });

  it('shares one load between concurrent misses', async () => {
    const a = instances[0];
    const name = unique();
    const source = new Source(42);
    source.hold();
    const reads = Array.from({ length: 20 }, () => a.ns(name).getOrLoad('k', source.load));
    await waitFor('the load to start', async () => source.loads > 0, 1_000, 5);
    source.release();
    expect(await Promise.all(reads)).toEqual(Array(20).fill(42));
    expect(source.loads).toBe(1);
  });

  it('never lets a load that raced an invalidation put the old value back in Redis', async () => {
    const [a, b] = [instances[0], instances[1]];
    const name = unique();
    const source = new Source('old');
    // A reads the version and starts loading "old"; meanwhile the row changes and B invalidates.
    source.hold();
    const slow = a.ns(name).getOrLoad('t', source.load);
    await waitFor('the load to start', async () => source.loads === 1, 1_000, 5);
    source.value = 'new';
    await b.ns(name).invalidate('t');
    source.release();
    expect(await slow).toBe('old');
    // The stale write was refused, and A's in-flight entry was dropped by the message.
    expect(await raw.hget(`hd:cache:${name}:t`, 'd')).toBeNull();
    expect(await a.ns(name).getOrLoad('t', source.load)).toBe('new');
    expect(await b.ns(name).getOrLoad('t', source.load)).toBe('new');
    expect(await raw.hget(`hd:cache:${name}:t`, 'd')).toBe('"new"');
  });

  it('reads from the source without failing while Redis is down or stuck, and invalidating does not throw', async () => {
    const a = instances[0];
    const name = unique();
    const source = new Source('row');
    await a.proxy.cut();
    try {
      await waitFor('the connection to notice', async () => a.redis.status !== 'ready', 2_000, 10);
      expect(await a.ns(name).getOrLoad('t', source.load)).toBe('row');
      await expect(a.ns(name).invalidate('t')).resolves.toBeUndefined();
      source.value = 'changed';
      expect(await a.ns(name).getOrLoad('t', source.load)).toBe('changed');
      expect(source.loads).toBe(2);
    } finally {
      await a.proxy.restore();
    }
    await waitFor(
      'the connection back',
      async () => a.redis.status === 'ready' && (await subscribers()) >= 2,
      5_000,
      20,
    );
    // A server that stops answering (CLIENT PAUSE) costs one bounded wait, not a failure.
    const stuck = unique();
    await raw.client('PAUSE', 1_000, 'ALL');
    const started = performance.now();
    expect(await a.ns(stuck).getOrLoad('t', source.load)).toBe('changed');
    expect(performance.now() - started).toBeLessThan(800);
    await raw.client('UNPAUSE');
  });

  it('forgets everything held in process after its subscriber reconnects (invalidations may have been missed)', async () => {
    const [a, b] = [instances[0], instances[1]];
    const name = unique();
    const source = new Source('v1');
    await a.ns(name).getOrLoad('t', source.load);
    expect(await b.ns(name).getOrLoad('t', source.load)).toBe('v1');
    await b.proxy.cut();
    source.value = 'v2';
    await a.ns(name).invalidate('t');
    await b.proxy.restore();
    // No message reaches B for that invalidation: only the reconnect's clear can explain a reload.
    await waitFor(
      'B to reload after reconnecting',
      async () => (await b.ns(name).getOrLoad('t', source.load)) === 'v2',
      5_000,
      20,
    );
  });

  it('closes its subscriber connection on shutdown', async () => {
    const c = await instance();
    const before = await subscribers();
    await close(c);
    instances.splice(instances.indexOf(c), 1);
    await waitFor('the subscriber to leave', async () => (await subscribers()) === before - 1, 2_000, 20);
  });
});
