// The queue administration over HTTP, with the workers embedded in control-api (RUN_WORKERS=true)
// on a queue prefix of this file's own. The failing jobs are real: tenant migrations of a tenant
// whose database does not exist, until the test creates it.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { MembershipRole, type Tenant, TenantDatabaseAdmin, TenantStatus } from '@helpdeskly/database';
import { REDACTED } from '@helpdeskly/logging';
import { DEFAULT_JOB_OPTIONS, jobId, QUEUES } from '@helpdeskly/queues';
import { waitFor } from '@helpdeskly/testing';
import { TenantRows } from '../testing/tenant-rows';
import { latestTenantMigration } from '@helpdeskly/jobs';
import { ControlFixture, eventually, type FixtureMember, uniqueSuffix } from '../testing/control-fixture';

describe('admin queues', () => {
  let fx: ControlFixture;
  let rows: TenantRows;
  let admin: FixtureMember;
  let owner: FixtureMember;
  const latest = latestTenantMigration()!;

  before(async () => {
    fx = await ControlFixture.start({ RUN_WORKERS: 'true', QUEUE_PREFIX: `admin-queues-${uniqueSuffix()}` });
    rows = new TenantRows(fx);
    const tenant = await fx.createTenant();
    [admin, owner] = await Promise.all([
      fx.member(tenant, MembershipRole.AGENT, { isPlatformAdmin: true }),
      fx.member(tenant, MembershipRole.OWNER),
    ]);
  });
  after(async () => {
    await rows?.cleanUp();
    await fx?.close();
  });

  const asAdmin = (method: string, path: string) => fx.request(method, path, { token: admin.token });
  const queue = (name: string) => fx.running.app.get<Queue>(getQueueToken(name));
  const migrationJob = (tenant: Tenant) => jobId('migrate', tenant.id, latest);
  /** A live tenant whose database is missing: its migration job fails on every attempt. */
  const brokenTenant = () => rows.insert(TenantStatus.SUSPENDED);
  /** Runs the job's attempts now instead of after their backoff, until it is in the failed set. */
  const exhaustAttempts = (id: string) =>
    waitFor(
      `job ${id} failed`,
      async () => {
        const job = await queue(QUEUES.tenantMigrations).getJob(id);
        const state = await job?.getState();
        if (state === 'delayed') await job!.promote().catch(() => undefined);
        return state === 'failed';
      },
      30_000,
      50,
    );

  it('refuses every queue route to a non-admin', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/v1/admin/queues'],
      ['GET', '/v1/admin/queues/email/jobs'],
      ['GET', '/v1/admin/queues/email/jobs/some-job'],
      ['POST', '/v1/admin/queues/email/jobs/some-job/retry'],
      ['DELETE', '/v1/admin/queues/email/jobs/some-job'],
      ['POST', '/v1/admin/tenant-migrations'],
    ];
    for (const [method, path] of routes) {
      const response = await fx.request(method, path, { token: owner.token });
      expect({ route: `${method} ${path}`, status: response.status, code: response.body.code }).toEqual({
        route: `${method} ${path}`,
        status: 403,
        code: 'insufficient_role',
      });
    }
    expect((await fx.request('GET', '/v1/admin/queues')).status).toBe(401);
  });

  it('lists every queue with its counts', async () => {
    const response = await asAdmin('GET', '/v1/admin/queues');
    expect(response.status).toBe(200);
    expect(response.body.items.map((q: { name: string }) => q.name)).toEqual([
      'email',
      'provisioning',
      'tenant-migrations',
      'maintenance',
    ]);
    expect(response.body.items[0]).toEqual({
      name: 'email',
      waiting: expect.any(Number),
      active: expect.any(Number),
      delayed: expect.any(Number),
      failed: expect.any(Number),
      completed: expect.any(Number),
      paused: false,
    });
  });

  it('answers 404 with a code for an unknown queue or job, and 400 for an invalid state', async () => {
    expect((await asAdmin('GET', '/v1/admin/queues/nope/jobs')).body).toMatchObject({
      status: 404,
      code: 'queue_not_found',
    });
    expect((await asAdmin('GET', '/v1/admin/queues/email/jobs/missing-job')).body).toMatchObject({
      status: 404,
      code: 'job_not_found',
    });
    expect((await asAdmin('POST', '/v1/admin/queues/email/jobs/missing-job/retry')).body).toMatchObject({
      status: 404,
      code: 'job_not_found',
    });
    const invalid = await asAdmin('GET', '/v1/admin/queues/email/jobs?state=stuck&limit=0');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['query.limit', 'query.state']);
  });

  it('keeps a job that keeps failing in the failed set, shows it, and retries it once the cause is fixed', async () => {
    const tenant = await brokenTenant();
    const enqueued = await asAdmin('POST', '/v1/admin/tenant-migrations');
    expect(enqueued.status).toBe(202);
    expect(enqueued.body).toMatchObject({ latestMigration: latest, enqueued: expect.any(Number) });
    expect(enqueued.body.behind).toBeGreaterThanOrEqual(1);
    const id = migrationJob(tenant);
    await exhaustAttempts(id);

    const failed = await asAdmin('GET', '/v1/admin/queues/tenant-migrations/jobs?state=failed&limit=100');
    const listed = failed.body.items.find((job: { id: string }) => job.id === id);
    expect(listed).toMatchObject({
      id,
      name: 'migrate',
      queue: 'tenant-migrations',
      state: 'failed',
      attemptsMade: DEFAULT_JOB_OPTIONS.attempts,
      attempts: DEFAULT_JOB_OPTIONS.attempts,
      data: { tenantId: tenant.id, migration: latest },
    });
    expect(listed.failedReason).toContain(tenant.databaseName);
    expect(listed.stacktrace).not.toContain('\n');
    const one = await asAdmin('GET', `/v1/admin/queues/tenant-migrations/jobs/${id}`);
    expect(one.body).toMatchObject({ id, state: 'failed', finishedAt: expect.any(String) });

    // Asking again queues nothing more: the failed job is reported for a retry instead.
    const again = await asAdmin('POST', '/v1/admin/tenant-migrations');
    expect(again.body.failed).toBeGreaterThanOrEqual(1);

    await TenantDatabaseAdmin.use(fx.running.config.database.tenantServerUrl, async (db) => {
      await db.createDatabase(tenant.databaseName);
      await db.closeDatabaseToPublic(tenant.databaseName);
    });
    const retried = await asAdmin('POST', `/v1/admin/queues/tenant-migrations/jobs/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.attemptsMade).toBe(0);
    await waitFor(
      `job ${id} completed`,
      async () => (await queue(QUEUES.tenantMigrations).getJobState(id)) === 'completed',
      30_000,
      100,
    );
    expect((await fx.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).schemaVersion).toBe(latest);

    expect((await asAdmin('POST', `/v1/admin/queues/tenant-migrations/jobs/${id}/retry`)).body).toMatchObject({
      status: 409,
      code: 'job_not_failed',
    });
    const audit = await eventually('the retry audited', () =>
      fx.db.auditLog.findFirst({ where: { action: 'queue.job.retried', targetId: `tenant-migrations/${id}` } }),
    );
    expect(audit).toMatchObject({
      actorUserId: admin.user.id,
      metadata: {
        queue: 'tenant-migrations',
        jobId: id,
        before: { state: 'failed', attemptsMade: DEFAULT_JOB_OPTIONS.attempts },
        after: { state: expect.any(String), attemptsMade: 0 },
      },
    });
    expect((audit!.metadata as { after: { state: string } }).after.state).not.toBe('failed');
  });

  it('discards a job that is not running', async () => {
    const tenant = await brokenTenant();
    await asAdmin('POST', '/v1/admin/tenant-migrations');
    const id = migrationJob(tenant);
    // After its first failed attempt it waits for its backoff (delayed): not failed, so no retry.
    await waitFor(
      `job ${id} delayed`,
      async () => (await queue(QUEUES.tenantMigrations).getJobState(id)) === 'delayed',
      30_000,
      50,
    );
    expect((await asAdmin('POST', `/v1/admin/queues/tenant-migrations/jobs/${id}/retry`)).body).toMatchObject({
      status: 409,
      code: 'job_not_failed',
    });

    expect((await asAdmin('DELETE', `/v1/admin/queues/tenant-migrations/jobs/${id}`)).status).toBe(204);
    expect((await asAdmin('GET', `/v1/admin/queues/tenant-migrations/jobs/${id}`)).body).toMatchObject({
      status: 404,
      code: 'job_not_found',
    });
    const discarded = await fx.db.auditLog.findMany({
      where: { action: 'queue.job.discarded', targetId: `tenant-migrations/${id}` },
    });
    expect(discarded.map((e) => e.metadata)).toEqual([
      expect.objectContaining({ before: { state: 'delayed', attemptsMade: 1 }, after: null }),
    ]);
  });

  it('never shows links, tokens or passwords of a job', async () => {
    const id = `masked-${uniqueSuffix()}`;
    const link = `https://app.example/reset?token=${uniqueSuffix()}`;
    await queue(QUEUES.provisioning).add(
      'provision',
      { tenantId: '00000000-0000-4000-8000-000000000000', link, password: 'hunter2-secret' },
      { jobId: id, delay: 3_600_000 },
    );
    const response = await asAdmin('GET', '/v1/admin/queues/provisioning/jobs?state=delayed&limit=100');
    const job = response.body.items.find((j: { id: string }) => j.id === id);
    expect(job.data).toEqual({ tenantId: '00000000-0000-4000-8000-000000000000', link: REDACTED, password: REDACTED });
    expect(JSON.stringify(response.body)).not.toContain('hunter2-secret');
    expect(job.runAt).toEqual(expect.any(String));
    expect((await asAdmin('DELETE', `/v1/admin/queues/provisioning/jobs/${id}`)).status).toBe(204);
  });
});
