import { describe, it } from 'node:test';
import { expect } from 'expect';
import { TenantStatus } from '@helpdeskly/database';
import { ADMIN_ID, GATEWAY, SCHEMA_VERSION, SERVER, tenantsServiceWithFakes } from './tenants.fakes';
import { TenantsErrorCode } from './tenants.errors';
import { TenantsService } from './tenants.service';

const { PROVISIONING, ACTIVE, SUSPENDED, DELETING, DELETED, FAILED } = TenantStatus;

/** The code and status a promise rejects with (a TenantsException), or 'resolved'. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; status: number } | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    const { code, status } = error as { code: string; status: number };
    return { code, status };
  }
}

const conflict = { code: TenantsErrorCode.StateConflict, status: 409 };

describe(TenantsService.name, () => {
  describe('createTenant', () => {
    it('inserts it PROVISIONING, audits it, records the durable job, then provisions it ACTIVE under its lock', async () => {
      const { sut, world, tenants, provisioner, jobs, box } = tenantsServiceWithFakes();

      const tenant = await sut.createTenant({ slug: 'acme', name: 'Acme', plan: 'pro', actorUserId: ADMIN_ID });

      const id = tenant.id;
      const database = `tenant_${id.replaceAll('-', '')}`;
      expect(tenants.row(id)).toMatchObject({
        slug: 'acme',
        plan: 'pro',
        status: ACTIVE,
        statusReason: null,
        schemaVersion: SCHEMA_VERSION,
        databaseServerId: SERVER.id,
        databaseName: database,
        databaseRole: database,
      });
      expect(box.open(tenants.row(id).databasePasswordEnc)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(provisioner.databases).toEqual(new Set([database]));
      expect(jobs.jobs).toEqual(new Map([[`provision:${id}`, 'delayed']]));
      expect(world.log).toEqual([
        'db: insert acme PROVISIONING',
        'audit: tenant.created',
        `job: provision:${id} delayed`,
        'server: lock',
        'audit: tenant.provisioning.started',
        `server: create ${database}`,
        `db: status=ACTIVE statusReason=null schemaVersion=${SCHEMA_VERSION}`,
        `cache: drop tenant:${id}`,
        'audit: tenant.provisioning.succeeded',
      ]);
      const audited = { tenantId: id, targetId: id, targetType: 'tenant', actorUserId: ADMIN_ID, success: true };
      expect(world.audits).toEqual([
        { ...audited, action: 'tenant.created', metadata: { slug: 'acme', plan: 'pro', databaseServer: 'primary' } },
        { ...audited, action: 'tenant.provisioning.started', metadata: { retry: false, databaseServer: 'primary' } },
        {
          ...audited,
          action: 'tenant.provisioning.succeeded',
          metadata: { method: 'template', schemaVersion: SCHEMA_VERSION, durationMs: expect.any(Number) },
        },
      ]);
    });

    it('refuses a taken slug with 409 tenant_slug_taken and provisions, enqueues and audits nothing', async () => {
      const { sut, world, tenants, provisioner } = tenantsServiceWithFakes();
      tenants.put({ slug: 'acme' });

      expect(await refusal(sut.createTenant({ slug: 'acme', name: 'Other' }))).toEqual({
        code: TenantsErrorCode.SlugTaken,
        status: 409,
      });

      expect(tenants.rows.size).toBe(1);
      expect(provisioner.databases.size).toBe(0);
      expect(world.log).toEqual([]);
    });

    it('leaves a failed first attempt FAILED with its reason and nothing on the server, makes the job due now, and answers 503', async () => {
      const { sut, world, tenants, provisioner, jobs } = tenantsServiceWithFakes();
      provisioner.fail.create = new Error('template database is being accessed by other users');

      expect(await refusal(sut.createTenant({ slug: 'acme', name: 'Acme' }))).toEqual({
        code: TenantsErrorCode.ProvisioningFailed,
        status: 503,
      });

      const [row] = tenants.rows.values();
      expect(row).toMatchObject({
        status: FAILED,
        statusReason: 'provisioning failed: template database is being accessed by other users',
      });
      expect(provisioner.databases.size).toBe(0);
      expect(jobs.jobs).toEqual(new Map([[`provision:${row.id}`, 'now']]));
      expect(world.audits.at(-1)).toMatchObject({
        action: 'tenant.provisioning.failed',
        success: false,
        metadata: { reason: row.statusReason },
      });
      expect(world.log.slice(-4)).toEqual([
        `db: status=FAILED statusReason=${row.statusReason}`,
        `cache: drop tenant:${row.id}`,
        'audit: tenant.provisioning.failed',
        `job: provision:${row.id} now`,
      ]);
    });
  });

  describe('provision', () => {
    it('returns an ACTIVE tenant as it is, without its lock, writing nothing', async () => {
      const { sut, world, tenants } = tenantsServiceWithFakes();
      const active = tenants.put({ status: ACTIVE, schemaVersion: SCHEMA_VERSION });

      expect(await sut.provision(active.id)).toEqual(active);
      expect(world.log).toEqual([]);
    });

    it('retries a FAILED tenant: PROVISIONING again with its reason cleared, then ACTIVE, audited as a retry', async () => {
      const { sut, world, tenants, provisioner } = tenantsServiceWithFakes();
      const failed = tenants.put({ status: FAILED, statusReason: 'provisioning failed: disk full' });

      const tenant = await sut.provision(failed.id, ADMIN_ID);

      expect(tenant).toMatchObject({ status: ACTIVE, statusReason: null, schemaVersion: SCHEMA_VERSION });
      expect(tenants.row(failed.id)).toEqual(tenant);
      expect(provisioner.databases).toEqual(new Set([failed.databaseName]));
      expect(world.log).toEqual([
        'server: lock',
        'db: status=PROVISIONING statusReason=null',
        `cache: drop tenant:${failed.id}`,
        'audit: tenant.provisioning.started',
        `server: create ${failed.databaseName}`,
        `db: status=ACTIVE statusReason=null schemaVersion=${SCHEMA_VERSION}`,
        `cache: drop tenant:${failed.id}`,
        'audit: tenant.provisioning.succeeded',
      ]);
      expect(world.audits[0]).toMatchObject({ actorUserId: ADMIN_ID, metadata: { retry: true } });
    });

    it('finishes an interrupted PROVISIONING tenant without marking it again, not as a retry', async () => {
      const { sut, world, tenants } = tenantsServiceWithFakes();
      const interrupted = tenants.put({ status: PROVISIONING });

      expect((await sut.provision(interrupted.id)).status).toBe(ACTIVE);

      expect(world.log.filter((line) => line.startsWith('db:'))).toEqual([
        `db: status=ACTIVE statusReason=null schemaVersion=${SCHEMA_VERSION}`,
      ]);
      expect(world.audits[0]).toMatchObject({ actorUserId: null, metadata: { retry: false } });
    });

    for (const status of [SUSPENDED, DELETING, DELETED]) {
      it(`refuses a ${status} tenant with 409 tenant_state_conflict before taking its lock`, async () => {
        const { sut, world, tenants, provisioner } = tenantsServiceWithFakes();
        const tenant = tenants.put({ status });

        expect(await refusal(sut.provision(tenant.id))).toEqual(conflict);
        expect(tenants.row(tenant.id).status).toBe(status);
        expect(provisioner.databases.size).toBe(0);
        expect(world.log).toEqual([]);
      });
    }

    it('answers 404 tenant_not_found for an unknown id', async () => {
      const { sut } = tenantsServiceWithFakes();
      expect(await refusal(sut.provision('99999999-9999-4999-8999-999999999999'))).toEqual({
        code: TenantsErrorCode.NotFound,
        status: 404,
      });
    });

    it('reads the status again under the lock: one another request finished is returned, one it deletes is refused', async () => {
      const finished = tenantsServiceWithFakes();
      const first = finished.tenants.put({ status: PROVISIONING });
      finished.provisioner.whileLocked = () => void (finished.tenants.rows.get(first.id)!.status = ACTIVE);
      expect((await finished.sut.provision(first.id)).status).toBe(ACTIVE);
      expect(finished.provisioner.databases.size).toBe(0);
      expect(finished.world.audits).toEqual([]);

      const deleting = tenantsServiceWithFakes();
      const second = deleting.tenants.put({ status: FAILED });
      deleting.provisioner.whileLocked = () => void (deleting.tenants.rows.get(second.id)!.status = DELETING);
      expect(await refusal(deleting.sut.provision(second.id))).toEqual(conflict);
      expect(deleting.provisioner.databases.size).toBe(0);
      expect(deleting.world.log).toEqual(['server: lock']);
    });

    it('answers 409 tenant_busy while another request holds the lock, and writes nothing', async () => {
      const { sut, world, tenants, provisioner } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: FAILED, statusReason: 'earlier' });
      provisioner.heldBy.add(tenant.id);

      expect(await refusal(sut.provision(tenant.id))).toEqual({ code: TenantsErrorCode.Busy, status: 409 });
      expect(tenants.row(tenant.id)).toMatchObject({ status: FAILED, statusReason: 'earlier' });
      expect(world.log).toEqual([]);
    });

    it('names a failed cleanup in the reason, the leftover database being on the server still', async () => {
      const { sut, tenants, provisioner } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: PROVISIONING });
      provisioner.fail = { create: new Error('out of disk'), cleanup: new Error('server gone') };

      expect(await refusal(sut.provision(tenant.id))).toMatchObject({ code: TenantsErrorCode.ProvisioningFailed });

      expect(tenants.row(tenant.id)).toMatchObject({
        status: FAILED,
        statusReason: 'provisioning failed: out of disk; cleanup failed: server gone',
      });
      expect(provisioner.databases).toEqual(new Set([tenant.databaseName]));
    });

    it('still answers 503 and audits the failure when marking the tenant FAILED fails: it stays PROVISIONING', async () => {
      const { sut, world, tenants, provisioner } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: PROVISIONING });
      provisioner.fail.create = new Error('out of disk');
      tenants.failUpdateTo = FAILED;

      expect(await refusal(sut.provision(tenant.id))).toEqual({
        code: TenantsErrorCode.ProvisioningFailed,
        status: 503,
      });
      expect(tenants.row(tenant.id).status).toBe(PROVISIONING);
      expect(world.audits.at(-1)).toMatchObject({ action: 'tenant.provisioning.failed', success: false });
    });
  });

  describe('suspend', () => {
    it('marks an ACTIVE tenant SUSPENDED, drops the cached row, then closes its database, and audits the change', async () => {
      const { sut, world, tenants, provisioner } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: ACTIVE });

      expect((await sut.suspend(tenant.id, ADMIN_ID)).status).toBe(SUSPENDED);

      expect(tenants.row(tenant.id).status).toBe(SUSPENDED);
      expect(provisioner.blocked).toEqual(new Set([tenant.databaseName]));
      expect(world.log).toEqual([
        'db: status=SUSPENDED',
        `cache: drop tenant:${tenant.id}`,
        `server: block ${tenant.databaseName}`,
        'audit: tenant.suspended',
      ]);
      expect(world.audits).toEqual([
        expect.objectContaining({
          action: 'tenant.suspended',
          actorUserId: ADMIN_ID,
          metadata: { before: { status: ACTIVE }, after: { status: SUSPENDED } },
        }),
      ]);
    });

    it('suspends a SUSPENDED tenant again (idempotent): its database is closed again', async () => {
      const { sut, world, tenants, provisioner } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: SUSPENDED });

      expect((await sut.suspend(tenant.id)).status).toBe(SUSPENDED);

      expect(provisioner.blocked).toEqual(new Set([tenant.databaseName]));
      expect(world.audits[0].metadata).toEqual({ before: { status: SUSPENDED }, after: { status: SUSPENDED } });
    });

    for (const status of [PROVISIONING, FAILED, DELETING, DELETED]) {
      it(`refuses a ${status} tenant with 409 tenant_state_conflict, its database left open`, async () => {
        const { sut, world, tenants, provisioner } = tenantsServiceWithFakes();
        const tenant = tenants.put({ status });

        expect(await refusal(sut.suspend(tenant.id))).toEqual(conflict);
        expect(tenants.row(tenant.id).status).toBe(status);
        expect(provisioner.blocked.size).toBe(0);
        expect(world.log).toEqual([]);
      });
    }

    it('refuses with 409 when the status changed between its read and its write (a deletion won the race)', async () => {
      const { sut, world, tenants, provisioner } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: ACTIVE });
      tenants.beforeTransition = () => void (tenants.rows.get(tenant.id)!.status = DELETING);

      expect(await refusal(sut.suspend(tenant.id))).toEqual(conflict);
      expect(tenants.row(tenant.id).status).toBe(DELETING);
      expect(provisioner.blocked.size).toBe(0);
      expect(world.log).toEqual([]);
    });
  });

  describe('resume', () => {
    it('opens a SUSPENDED tenant’s database first, then marks it ACTIVE, drops the cached row and audits it', async () => {
      const { sut, world, tenants, provisioner } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: SUSPENDED });
      provisioner.blocked.add(tenant.databaseName);

      expect((await sut.resume(tenant.id, ADMIN_ID)).status).toBe(ACTIVE);

      expect(tenants.row(tenant.id).status).toBe(ACTIVE);
      expect(provisioner.blocked.size).toBe(0);
      expect(world.log).toEqual([
        `server: allow ${tenant.databaseName}`,
        'db: status=ACTIVE',
        `cache: drop tenant:${tenant.id}`,
        'audit: tenant.resumed',
      ]);
      expect(world.audits[0]).toMatchObject({
        actorUserId: ADMIN_ID,
        metadata: { before: { status: SUSPENDED }, after: { status: ACTIVE } },
      });
    });

    it('returns an ACTIVE tenant as it is, writing and auditing nothing', async () => {
      const { sut, world, tenants } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: ACTIVE });

      expect(await sut.resume(tenant.id)).toEqual(tenant);
      expect(world.log).toEqual([]);
    });

    for (const status of [PROVISIONING, FAILED, DELETING, DELETED]) {
      it(`refuses a ${status} tenant with 409 tenant_state_conflict, opening nothing`, async () => {
        const { sut, world, tenants } = tenantsServiceWithFakes();
        const tenant = tenants.put({ status });

        expect(await refusal(sut.resume(tenant.id))).toEqual(conflict);
        expect(tenants.row(tenant.id).status).toBe(status);
        expect(world.log).toEqual([]);
      });
    }

    it('refuses with 409 and leaves the status when a deletion won the race, auditing nothing', async () => {
      const { sut, world, tenants } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: SUSPENDED });
      tenants.beforeTransition = () => void (tenants.rows.get(tenant.id)!.status = DELETING);

      expect(await refusal(sut.resume(tenant.id))).toEqual(conflict);
      expect(tenants.row(tenant.id).status).toBe(DELETING);
      expect(world.audits).toEqual([]);
    });
  });

  describe('deleteTenant', () => {
    for (const status of [ACTIVE, SUSPENDED, FAILED, PROVISIONING]) {
      it(`deletes a tenant that is ${status}: the durable job, DELETING, its database dropped, then DELETED, each audited`, async () => {
        const { sut, world, tenants, provisioner, jobs, hooks } = tenantsServiceWithFakes();
        const tenant = tenants.put({ status });
        provisioner.databases.add(tenant.databaseName);

        const deleted = await sut.deleteTenant(tenant.id, ADMIN_ID);

        expect(deleted).toMatchObject({ status: DELETED, statusReason: null, deletedAt: expect.any(Date) });
        expect(tenants.row(tenant.id)).toEqual(deleted);
        expect(provisioner.databases.size).toBe(0);
        expect(jobs.jobs).toEqual(new Map([[`delete:${tenant.id}`, 'delayed']]));
        expect(hooks.steps).toEqual(['marked_deleting']);
        expect(world.log).toEqual([
          `job: delete:${tenant.id} delayed`,
          'server: lock',
          'db: status=DELETING statusReason=null',
          `cache: drop tenant:${tenant.id}`,
          'audit: tenant.deletion.started',
          `server: drop ${tenant.databaseName}`,
          'db: status=DELETED statusReason=null deletedAt=date',
          `cache: drop tenant:${tenant.id}`,
          'audit: tenant.deleted',
        ]);
        expect(world.audits.map((entry) => [entry.action, entry.actorUserId, entry.metadata])).toEqual([
          ['tenant.deletion.started', ADMIN_ID, { resumed: false, before: { status }, after: { status: DELETING } }],
          ['tenant.deleted', ADMIN_ID, { before: { status }, after: { status: DELETED } }],
        ]);
      });
    }

    it('returns a DELETED tenant as it is, with no job, lock or write', async () => {
      const { sut, world, tenants } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: DELETED, deletedAt: new Date('2026-02-01T00:00:00.000Z') });

      expect(await sut.deleteTenant(tenant.id)).toEqual(tenant);
      expect(world.log).toEqual([]);
    });

    it('completes an interrupted deletion (DELETING) without marking it again, audited as resumed', async () => {
      const { sut, world, tenants } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: DELETING, statusReason: 'deletion failed: earlier' });

      expect((await sut.deleteTenant(tenant.id)).status).toBe(DELETED);

      expect(world.log.filter((line) => line.startsWith('db:'))).toEqual([
        'db: status=DELETED statusReason=null deletedAt=date',
      ]);
      expect(world.audits[0].metadata).toEqual({
        resumed: true,
        before: { status: DELETING },
        after: { status: DELETING },
      });
    });

    it('leaves a failed deletion DELETING with its reason, makes the job due now and answers 503; deleting again completes it', async () => {
      const { sut, world, tenants, provisioner, jobs } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: ACTIVE });
      provisioner.databases.add(tenant.databaseName);
      provisioner.fail.remove = new Error('database is being accessed by other users');

      expect(await refusal(sut.deleteTenant(tenant.id))).toEqual({
        code: TenantsErrorCode.DeletionFailed,
        status: 503,
      });

      expect(tenants.row(tenant.id)).toMatchObject({
        status: DELETING,
        statusReason: 'deletion failed: database is being accessed by other users',
        deletedAt: null,
      });
      expect(provisioner.databases.size).toBe(1);
      expect(jobs.jobs.get(`delete:${tenant.id}`)).toBe('now');
      expect(world.audits.at(-1)).toMatchObject({
        action: 'tenant.deletion.failed',
        success: false,
        metadata: { reason: tenants.row(tenant.id).statusReason },
      });

      provisioner.fail = {};
      expect((await sut.deleteTenant(tenant.id)).status).toBe(DELETED);
      expect(provisioner.databases.size).toBe(0);
    });

    it('stops after DELETING when the process dies right after marking it, the database still there', async () => {
      const { sut, tenants, provisioner, hooks } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: ACTIVE });
      provisioner.databases.add(tenant.databaseName);
      hooks.failAt = 'marked_deleting';

      expect(await refusal(sut.deleteTenant(tenant.id))).toMatchObject({ code: TenantsErrorCode.DeletionFailed });
      expect(tenants.row(tenant.id).status).toBe(DELETING);
      expect(provisioner.databases).toEqual(new Set([tenant.databaseName]));
    });

    it('answers 409 tenant_busy while another request holds the lock, its durable job recorded all the same', async () => {
      const { sut, tenants, provisioner, jobs } = tenantsServiceWithFakes();
      const tenant = tenants.put({ status: ACTIVE });
      provisioner.heldBy.add(tenant.id);

      expect(await refusal(sut.deleteTenant(tenant.id))).toEqual({ code: TenantsErrorCode.Busy, status: 409 });
      expect(tenants.row(tenant.id).status).toBe(ACTIVE);
      expect(jobs.jobs).toEqual(new Map([[`delete:${tenant.id}`, 'delayed']]));
    });

    it('answers 404 tenant_not_found for an unknown id, recording no job', async () => {
      const { sut, world } = tenantsServiceWithFakes();
      expect(await refusal(sut.deleteTenant('99999999-9999-4999-8999-999999999999'))).toEqual({
        code: TenantsErrorCode.NotFound,
        status: 404,
      });
      expect(world.log).toEqual([]);
    });
  });

  describe('reads', () => {
    it('finds a tenant by id (404 when unknown) and by slug (null when unknown)', async () => {
      const { sut, tenants } = tenantsServiceWithFakes();
      const tenant = tenants.put({ slug: 'acme' });

      expect(await sut.findById(tenant.id)).toEqual(tenant);
      expect(await refusal(sut.findById('99999999-9999-4999-8999-999999999999'))).toMatchObject({
        code: TenantsErrorCode.NotFound,
      });
      expect(await sut.findBySlug('acme')).toEqual(tenant);
      expect(await sut.findBySlug('nobody')).toBeNull();
    });

    it("reaches the tenant's database through its server's PgBouncer as the gateway role", async () => {
      const { sut, tenants } = tenantsServiceWithFakes();
      const tenant = tenants.put();

      const url = new URL(await sut.pgBouncerUrl(tenant.id));

      expect([url.hostname, url.port, url.username, url.pathname]).toEqual([
        SERVER.pgbouncerHost,
        String(SERVER.pgbouncerPort),
        GATEWAY.role,
        `/${tenant.databaseName}`,
      ]);
    });
  });
});
