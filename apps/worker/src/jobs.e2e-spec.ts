// Provisioning, reconciliation and housekeeping jobs, run by the workers embedded in control-api
// (RUN_WORKERS=true) on a queue prefix of this file's own, against the real PostgreSQL and Redis.
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { type Tenant, TenantStatus } from '@helpdeskly/database';
import { withDatabase } from '@helpdeskly/migrations';
import { jobId, QUEUES } from '@helpdeskly/queues';
import { ObjectStorage, tenantKey, ticketPrefix } from '@helpdeskly/storage';
import { freePort, waitFor } from '@helpdeskly/testing';
import { TENANT_JOB_DELAY_MS, TenantJobs } from '@helpdeskly/tenants';
import { ControlFixture, uniqueSuffix } from '../../control-api/src/testing/control-fixture';
import { MAINTENANCE_JOBS, TrashPurgeService, TenantLifecycleRepository, type TenantOnServer } from '@helpdeskly/jobs';
import { TenantRows } from '../../control-api/src/testing/tenant-rows';
import { insertRetentionCases, remainingDeliveries } from './testing/email-delivery-rows';

describe('tenant jobs', () => {
  let fx: ControlFixture;
  let rows: TenantRows;

  before(async () => {
    fx = await ControlFixture.start({ RUN_WORKERS: 'true', QUEUE_PREFIX: `jobs-${uniqueSuffix()}` });
    rows = new TenantRows(fx);
  });
  after(async () => {
    await rows?.cleanUp();
    await fx?.close();
  });

  const queue = (name: string) => fx.running.app.get<Queue>(getQueueToken(name));
  /** Runs `fn` with a new tenant and a client of its database as the server's admin, closed after. */
  const inNewTenantDatabase = async (fn: (db: Client, tenant: Tenant, onServer: TenantOnServer) => Promise<void>) => {
    const tenant = await fx.createTenant();
    const onServer = (await fx.running.app.get(TenantLifecycleRepository).findOnServer(tenant.id))!;
    const db = new Client({ connectionString: withDatabase(onServer.databaseServer.adminUrl, tenant.databaseName) });
    await db.connect();
    try {
      await fn(db, tenant, onServer);
    } finally {
      await db.end();
    }
  };
  const statusBecomes = (tenant: Tenant, status: TenantStatus) =>
    waitFor(`${tenant.slug} ${status}`, async () => (await rows.status(tenant.id)) === status, 30_000, 100);

  it('records a delayed provisioning job at sign-up, which completes as a no-op once the tenant is ACTIVE', async () => {
    const tenant = await fx.createTenant();
    expect(tenant.status).toBe(TenantStatus.ACTIVE);
    const job = (await queue(QUEUES.provisioning).getJob(jobId('provision', tenant.id)))!;
    expect(await job.getState()).toBe('delayed');
    expect(job.opts.delay).toBe(TENANT_JOB_DELAY_MS);
    await job.promote();
    await waitFor('the job done', async () => (await job.getState()) === 'completed', 10_000, 50);
    const done = (await queue(QUEUES.provisioning).getJob(job.id!))!;
    expect(done.returnvalue).toEqual({ status: TenantStatus.ACTIVE });
  });

  it('runs a delayed provisioning job at once when asked to (the retry after an inline failure)', async () => {
    const tenant = await rows.insert(TenantStatus.PROVISIONING);
    const jobs = fx.running.app.get(TenantJobs);
    await jobs.provisionLater(tenant.id);
    expect(await queue(QUEUES.provisioning).getJobState(jobId('provision', tenant.id))).toBe('delayed');
    await jobs.provisionNow(tenant.id);
    await statusBecomes(tenant, TenantStatus.ACTIVE);
  });

  it('hands stale stuck tenants to the provisioning queue, and leaves fresh ones alone', async () => {
    const failed = await rows.insert(TenantStatus.FAILED, { minutesAgo: 6 });
    const deleting = await rows.insert(TenantStatus.DELETING, { minutesAgo: 6 });
    const fresh = await rows.insert(TenantStatus.FAILED);
    await queue(QUEUES.maintenance).add(
      MAINTENANCE_JOBS.reconcileTenants,
      {},
      { jobId: `reconcile-${uniqueSuffix()}` },
    );
    await statusBecomes(failed, TenantStatus.ACTIVE);
    await statusBecomes(deleting, TenantStatus.DELETED);
    expect(await rows.status(fresh.id)).toBe(TenantStatus.FAILED);
    expect(await queue(QUEUES.provisioning).getJob(jobId('provision', fresh.id))).toBeUndefined();
  });

  it('registers the maintenance schedules once, whatever the number of starts', async () => {
    const maintenance = queue(QUEUES.maintenance);
    await waitFor('the schedules', async () => (await maintenance.getJobSchedulersCount()) === 4, 10_000, 100);
    const schedulers = await maintenance.getJobSchedulers();
    expect(
      schedulers
        .map((s) => ({ key: s.key, every: s.every, pattern: s.pattern }))
        .sort((a, b) => a.key.localeCompare(b.key)),
    ).toEqual([
      { key: 'audit-partitions', every: undefined, pattern: '15 2 * * *' },
      { key: 'purge-email-deliveries', every: undefined, pattern: '45 3 * * *' },
      { key: 'purge-trash', every: undefined, pattern: '30 3 * * *' },
      { key: 'reconcile-tenants', every: 300_000, pattern: undefined },
    ]);
  });

  it('purges email send records older than EMAIL_DELIVERY_RETENTION_DAYS that no attempt holds, and nothing else', async () => {
    const cases = await insertRetentionCases(fx.db, (name) => `<${name}-${uniqueSuffix()}@helpdeskly>`);
    const job = await queue(QUEUES.maintenance).add(
      MAINTENANCE_JOBS.purgeEmailDeliveries,
      {},
      { jobId: `purge-deliveries-${uniqueSuffix()}` },
    );
    await waitFor('the purge done', async () => (await job.getState()) === 'completed', 15_000, 100);
    expect(await remainingDeliveries(fx.db, cases.all)).toEqual([...cases.kept].sort());
    // Not a count: another file's purge may have taken these rows first.
    expect((await queue(QUEUES.maintenance).getJob(job.id!))!.returnvalue).toEqual({
      deleted: expect.any(Number),
      cutoff: expect.any(String),
    });
  });

  it('purges tickets in the trash for more than 30 days with their files, and expired idempotency keys, and nothing else', async () => {
    await inNewTenantDatabase(async (db, tenant, onServer) => {
      const {
        rows: [contact],
      } = await db.query<{ id: string }>(
        `INSERT INTO contacts (id, name, email, updated_at) VALUES (gen_random_uuid(), 'Carol', 'carol@example.com', now()) RETURNING id`,
      );
      const storage = fx.running.app.get(ObjectStorage);
      const ticket = async (subject: string, deletedDaysAgo: number | null) => {
        const {
          rows: [row],
        } = await db.query<{ id: string }>(
          `INSERT INTO tickets (id, subject, description, requester_id, deleted_at, updated_at) VALUES (gen_random_uuid(), $1, '', $2, now() - make_interval(days => $3), now()) RETURNING id`,
          [subject, contact.id, deletedDaysAgo],
        );
        // A file of the ticket, where the attachments of app-api keep them.
        const file = `${ticketPrefix(tenant.id, row!.id)}attachments/${row!.id}`;
        await storage.put(file, Buffer.from(subject));
        return file;
      };
      const oldFile = await ticket('old trash', 31);
      const recentFile = await ticket('recent trash', 29);
      const liveFile = await ticket('live', null);
      const key = (key: string, expiresInMinutes: number) =>
        db.query(
          `INSERT INTO idempotency_keys (user_id, key, request_hash, expires_at) VALUES (gen_random_uuid(), $1, 'h', now() + make_interval(mins => $2))`,
          [key, expiresInMinutes],
        );
      await key('expired', -1);
      await key('current', 60);

      // At most one of each: another file's worker may purge every tenant at the same time and take
      // the old ticket first. What is left is exact either way (below).
      const counts = await fx.running.app.get(TrashPurgeService).purgeTenant(onServer);
      expect([counts.tickets, counts.files, counts.idempotencyKeys].every((n) => n === 0 || n === 1)).toBe(true);
      expect(counts.tickets).toBe(counts.files);
      expect(await storage.head(oldFile)).toBeNull();
      expect(await storage.head(recentFile)).not.toBeNull();
      expect(await storage.head(liveFile)).not.toBeNull();
      expect(
        (await db.query<{ subject: string }>('SELECT subject FROM tickets ORDER BY subject')).rows.map(
          (r) => r.subject,
        ),
      ).toEqual(['live', 'recent trash']);
      expect((await db.query<{ key: string }>('SELECT key FROM idempotency_keys')).rows.map((r) => r.key)).toEqual([
        'current',
      ]);
    });
  });
  it("deletes expired pending uploads with their objects, and a purged ticket's files that were uploads", async () => {
    await inNewTenantDatabase(async (db, tenant, onServer) => {
      const storage = fx.running.app.get(ObjectStorage);
      const upload = async (name: string, expiresInMinutes: number) => {
        const key = tenantKey(tenant.id, 'uploads', randomUUID());
        await db.query(
          `INSERT INTO uploads (id, user_id, filename, content_type, size, sha256, storage_key, expires_at)
           VALUES ($1, gen_random_uuid(), $2, 'text/plain', 1, 'x', $3, now() + make_interval(mins => $4))`,
          [key.split('/').pop(), name, key, expiresInMinutes],
        );
        await storage.put(key, Buffer.from(name));
        return key;
      };
      const expired = await upload('expired', -1);
      const pending = await upload('pending', 60);
      // A ticket 31 days in the trash whose file was an upload: its key is outside the ticket's prefix.
      const {
        rows: [ticket],
      } = await db.query<{ id: string }>(
        `WITH c AS (INSERT INTO contacts (id, name, email, updated_at) VALUES (gen_random_uuid(), 'Dan', 'dan@example.com', now()) RETURNING id)
         INSERT INTO tickets (id, subject, description, requester_id, deleted_at, updated_at)
         SELECT gen_random_uuid(), 'old', '', c.id, now() - interval '31 days', now() FROM c RETURNING id`,
      );
      const attached = tenantKey(tenant.id, 'uploads', ticket!.id);
      await storage.put(attached, Buffer.from('attached'));
      await db.query(
        `INSERT INTO attachments (id, ticket_id, filename, content_type, size, sha256, storage_key) VALUES ($1, $1, 'a.txt', 'text/plain', 8, 'x', $2)`,
        [ticket!.id, attached],
      );

      // As in the test above, another file's worker may purge this tenant first: what is left is exact.
      const counts = await fx.running.app.get(TrashPurgeService).purgeTenant(onServer);
      expect([counts.uploads, counts.tickets].every((n) => n === 0 || n === 1)).toBe(true);
      expect(counts.files).toBe(counts.tickets);
      expect(await storage.head(expired)).toBeNull();
      expect(await storage.head(attached)).toBeNull();
      expect(await storage.head(pending)).not.toBeNull();
      expect((await db.query<{ filename: string }>('SELECT filename FROM uploads')).rows).toEqual([
        { filename: 'pending' },
      ]);
      expect((await db.query('SELECT 1 FROM tickets')).rows).toEqual([]);
    });
  });

  it('forgets raw copies of messages that made no ticket after INBOUND_RAW_RETENTION_DAYS, keeping their records, those of tickets and those in progress', async () => {
    await inNewTenantDatabase(async (db, tenant, onServer) => {
      const storage = fx.running.app.get(ObjectStorage);
      const {
        rows: [ticket],
      } = await db.query<{ id: string }>(
        `WITH c AS (INSERT INTO contacts (id, name, email, updated_at) VALUES (gen_random_uuid(), 'Eve', 'eve@example.com', now()) RETURNING id)
         INSERT INTO tickets (id, subject, description, requester_id, updated_at)
         SELECT gen_random_uuid(), 'live', '', c.id, now() FROM c RETURNING id`,
      );
      const message = async (subject: string, outcome: string, daysAgo: number, ticketId: string | null = null) => {
        const key = tenantKey(tenant.id, 'inbound', `${randomUUID()}.eml`);
        await storage.put(key, Buffer.from(`Subject: ${subject}\r\n\r\nbody`));
        await db.query(
          `INSERT INTO inbound_emails (id, message_id, recipient, subject, outcome, ticket_id, raw_key, received_at)
           VALUES (gen_random_uuid(), $1, 'x@inbound.test', $1, $2::"InboundEmailOutcome", $3, $4, now() - make_interval(days => $5))`,
          [subject, outcome, ticketId, key, daysAgo],
        );
        return key;
      };
      const oldNoise = await message('old auto-reply', 'AUTO_REPLY', 31);
      const oldRefusal = await message('old refusal', 'REFUSED', 40);
      const recentNoise = await message('recent bounce', 'BOUNCE', 29);
      const ofTicket = await message('old ticket mail', 'TICKET_CREATED', 90, ticket!.id);
      const inProgress = await message('old in progress', 'RECEIVED', 31);

      // As above, another file's worker may purge this tenant first: what is left is exact.
      const counts = await fx.running.app.get(TrashPurgeService).purgeTenant(onServer);
      expect([0, 2]).toContain(counts.rawMessages);
      expect(await storage.head(oldNoise)).toBeNull();
      expect(await storage.head(oldRefusal)).toBeNull();
      for (const kept of [recentNoise, ofTicket, inProgress]) expect(await storage.head(kept)).not.toBeNull();
      const records = await db.query<{ subject: string; kept: boolean }>(
        'SELECT subject, raw_key IS NOT NULL AS kept FROM inbound_emails ORDER BY subject',
      );
      expect(records.rows).toEqual([
        { subject: 'old auto-reply', kept: false },
        { subject: 'old in progress', kept: true },
        { subject: 'old refusal', kept: false },
        { subject: 'old ticket mail', kept: true },
        { subject: 'recent bounce', kept: true },
      ]);
    });
  });
});

describe('tenant jobs while the queues Redis is down', () => {
  let fx: ControlFixture;

  before(async () => {
    fx = await ControlFixture.start({
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      QUEUE_PREFIX: `jobs-down-${uniqueSuffix()}`,
    });
  });
  after(() => fx?.close());

  it('still provisions and deletes tenants inline, and logs the lost enqueue', async () => {
    const tenant = await fx.createTenant();
    expect(tenant.status).toBe(TenantStatus.ACTIVE);
    expect(
      fx.running.logs
        .entries()
        .some(
          (e) =>
            e.msg === 'tenant job could not be enqueued; reconcile-tenants will enqueue it' && e.tenantId === tenant.id,
        ),
    ).toBe(true);
  });
});
