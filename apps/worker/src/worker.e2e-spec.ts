// The worker process for real (worker.main.ts in a child process) against a Redis of the test's
// own, which is killed (SIGKILL) and restarted while jobs wait in it.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Queue } from 'bullmq';
import { TenantStatus } from '@helpdeskly/database';
import { jobId, QUEUES } from '@helpdeskly/queues';
import { type ApiProcess, freePort, waitFor, RedisServer, startApiProcess } from '@helpdeskly/testing';
import { TenantRows } from '../../control-api/src/testing/tenant-rows';
import { TenantJobs } from '@helpdeskly/tenants';
import { ControlFixture, uniqueSuffix } from '../../control-api/src/testing/control-fixture';

describe('worker process', () => {
  const prefix = `worker-${uniqueSuffix()}`;
  let redis: RedisServer;
  let fx: ControlFixture;
  let rows: TenantRows;
  let worker: ApiProcess | undefined;
  const queues: Queue[] = [];

  /** A queue on the test's Redis, opened after a restart (the app's own reconnect in the background). */
  const provisioningQueue = () => {
    const queue = new Queue(QUEUES.provisioning, { connection: { url: redis.url }, prefix });
    queue.on('error', () => undefined);
    queues.push(queue);
    return queue;
  };

  before(async () => {
    redis = await RedisServer.start({ persistent: true });
    // control-api without workers: it only enqueues, as when the worker runs as its own process.
    fx = await ControlFixture.start({
      REDIS_URL: redis.url,
      REDIS_CACHE_URL: redis.url,
      QUEUE_PREFIX: prefix,
      RUN_WORKERS: 'false',
    });
    rows = new TenantRows(fx);
  });
  after(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await Promise.all(queues.map((queue) => queue.close()));
    await rows?.cleanUp();
    await fx?.close();
    await redis?.stop();
  });

  it('keeps queued jobs through a Redis crash, then a worker process provisions the tenants a crash left PROVISIONING', async () => {
    // Tenants whose control-api died mid-provisioning: the row exists, the database does not, the job waits.
    const stranded = await Promise.all([1, 2, 3].map(() => rows.insert(TenantStatus.PROVISIONING)));
    for (const tenant of stranded) await fx.running.app.get(TenantJobs).provisionNow(tenant.id);
    const ids = stranded.map((tenant) => jobId('provision', tenant.id));
    const before = provisioningQueue();
    expect((await Promise.all(ids.map((id) => before.getJobState(id)))).every((state) => state === 'waiting')).toBe(
      true,
    );

    await redis.crashAndRestart();

    const afterCrash = provisioningQueue();
    expect(await Promise.all(ids.map((id) => afterCrash.getJobState(id)))).toEqual(['waiting', 'waiting', 'waiting']);
    expect((await afterCrash.getJob(ids[0]))!.data).toEqual({ tenantId: stranded[0].id });

    worker = await startApiProcess('worker', await freePort(), {
      REDIS_URL: redis.url,
      REDIS_CACHE_URL: redis.url,
      QUEUE_PREFIX: prefix,
    });
    await waitFor(
      'the stranded tenants ACTIVE',
      async () => (await Promise.all(stranded.map((t) => rows.status(t.id)))).every((s) => s === TenantStatus.ACTIVE),
      30_000,
      200,
    );
    // The tenant is ACTIVE before the worker marks its job completed in Redis: wait for that too.
    const states = () => Promise.all(ids.map((id) => afterCrash.getJobState(id)));
    await waitFor(
      'the jobs completed',
      async () => (await states()).every((state) => state === 'completed'),
      10_000,
      100,
    ).catch(() => undefined);
    expect(await states()).toEqual(['completed', 'completed', 'completed']);
    const metrics = await (await fetch(`${worker.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/helpdeskly_queue_jobs_processed_total\{queue="provisioning",outcome="completed"\} 3/);
  });

  it('answers /health and /health/ready with the queue Redis settings, and exits 0 on SIGTERM', async () => {
    expect(worker).toBeDefined();
    const live = await fetch(`${worker!.baseUrl}/health`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${worker!.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { checks: Record<string, { status: string } & Record<string, unknown>> };
    expect(Object.keys(body.checks)).toEqual(expect.arrayContaining(['database', 'redis', 'pgbouncer', 'queueRedis']));
    expect(body.checks.queueRedis).toMatchObject({
      status: 'up',
      maxmemoryPolicy: 'noeviction',
      appendonly: 'yes',
      warnings: [],
    });
    // No API route: the worker serves health and metrics only.
    expect((await fetch(`${worker!.baseUrl}/v1/audit-logs`)).status).toBe(404);

    worker!.child.kill('SIGTERM');
    expect(await worker!.exited).toBe(0);
    expect(worker!.output()).toContain('queue workers stopped');
  });
});
