// The job queues of control-api on a Redis Cluster of the test's own (three masters on loopback
// ports, Debian's redis-server and `redis-cli --cluster create`), as QUEUE_REDIS_CLUSTER_NODES
// selects it: a password-reset email goes through the email queue and the embedded worker to the
// mail catcher, the admin listing and the persistence check read the cluster, and every BullMQ key
// sits in the one slot of the hash-tagged prefix.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Cluster, Redis } from 'ioredis';
import { MembershipRole } from '@helpdeskly/database';
import { MailCatcher } from '@helpdeskly/mail';
import { QueueConnections } from '@helpdeskly/queues';
import { RedisCluster, waitFor } from '@helpdeskly/testing';
import { ControlFixture, type FixtureMember, uniqueSuffix } from './testing/control-fixture';

describe('job queues on a Redis Cluster (QUEUE_REDIS_CLUSTER_NODES)', () => {
  const prefix = `qc-${uniqueSuffix()}`;
  let cluster: RedisCluster;
  let catcher: MailCatcher;
  let dir: string;
  let fx: ControlFixture;
  let admin: FixtureMember;
  let probe: Cluster;

  before(async () => {
    cluster = await RedisCluster.start();
    dir = await mkdtemp(join(tmpdir(), 'helpdeskly-queue-cluster-'));
    catcher = await MailCatcher.start({ dir, httpPort: null });
    fx = await ControlFixture.start({
      RUN_WORKERS: 'true',
      QUEUE_REDIS_CLUSTER_NODES: cluster.nodes,
      QUEUE_PREFIX: prefix,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(catcher.smtpPort),
    });
    admin = await fx.member(await fx.createTenant(), MembershipRole.AGENT, { isPlatformAdmin: true });
    probe = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    await waitFor('the probe connected', async () => probe.status === 'ready', 10_000, 20);
  });

  after(async () => {
    probe?.disconnect();
    await fx?.close();
    await catcher?.close();
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('hash-tags the prefix and hands BullMQ cluster connections', () => {
    expect(fx.running.config.queues.prefix).toBe(`{${prefix}}`);
    expect(fx.running.app.get(QueueConnections).clustered).toBe(true);
  });

  it('delivers an email through the queue on the cluster and the embedded worker', async () => {
    const user = await fx.createUser();
    const accepted = await fx.request('POST', '/v1/auth/password/forgot', { body: { email: user.user.email } });
    expect(accepted.status).toBe(202);
    await waitFor(
      'the reset email',
      async () => (await catcher.messages()).some((m) => m.to.includes(user.user.email)),
      20_000,
    );
    const queues = await fx.request('GET', '/v1/admin/queues', { token: admin.token });
    expect(queues.status).toBe(200);
    const email = queues.body.items.find((q: { name: string }) => q.name === 'email');
    expect(email.completed).toBeGreaterThanOrEqual(1);
  });

  it('keeps every key of the queues in the slot of the prefix, on one master, and none on REDIS_URL', async () => {
    const perMaster = await Promise.all(probe.nodes('master').map((node) => node.keys(`{${prefix}}:*`)));
    const keys = perMaster.flat();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys).toEqual(expect.arrayContaining([`{${prefix}}:email:completed`, `{${prefix}}:provisioning:meta`]));
    expect(perMaster.filter((found) => found.length > 0)).toHaveLength(1);
    const slot = await probe.cluster('KEYSLOT', `{${prefix}}`);
    for (const key of keys.slice(0, 20))
      expect({ key, slot: await probe.cluster('KEYSLOT', key) }).toEqual({ key, slot });
    // Without the hash tag the same keys would spread over the masters.
    const untagged = new Set(
      await Promise.all(keys.slice(0, 20).map((key) => probe.cluster('KEYSLOT', key.replace(/^\{([^}]+)\}/, '$1')))),
    );
    expect(untagged.size).toBeGreaterThan(1);
    const single = new Redis(fx.running.config.redis.url);
    try {
      expect(await single.keys(`*${prefix}*`)).toEqual([]);
    } finally {
      single.disconnect();
    }
  });

  it('checks the persistence settings of every master, naming each that would lose jobs', async () => {
    const ready = await fx.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    const settings = ready.body.checks.queueRedis;
    expect(settings.nodes.map((n: { address: string }) => n.address).sort()).toEqual(
      cluster.ports.map((port) => `127.0.0.1:${port}`).sort(),
    );
    // The test's cluster runs without an append-only file: one warning per master.
    expect(settings.appendonly).toBe('no');
    const warnings: string[] = settings.warnings;
    expect(warnings.filter((w) => w.startsWith('appendonly is no on 127.0.0.1:'))).toHaveLength(3);
    await probe.nodes('master')[0].config('SET', 'appendonly', 'yes');
    const after = (await fx.request('GET', '/health/ready')).body.checks.queueRedis;
    expect(after.appendonly).toBe('mixed');
    expect(after.warnings.filter((w: string) => w.startsWith('appendonly is no'))).toHaveLength(2);
  });
});
