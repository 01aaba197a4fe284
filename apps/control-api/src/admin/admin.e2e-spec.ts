import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, type Tenant, TenantStatus } from '@helpdeskly/database';
import { TotpCodes } from '../auth/testing/auth-e2e.fixture';
import { ControlFixture, type FixtureMember, uniqueSuffix } from '../testing/control-fixture';

describe('platform admin', () => {
  let fx: ControlFixture;
  let tenant: Tenant;
  let admin: FixtureMember;
  let owner: FixtureMember;

  before(async () => {
    fx = await ControlFixture.start();
    tenant = await fx.createTenant();
    [admin, owner] = await Promise.all([
      fx.member(tenant, MembershipRole.AGENT, { isPlatformAdmin: true }),
      fx.member(tenant, MembershipRole.OWNER),
    ]);
  });
  after(() => fx?.close());

  const asAdmin = (method: string, path: string, body?: unknown) =>
    fx.request(method, path, { token: admin.token, body });
  /** Neither the sealed password nor any PostgreSQL password may appear in an admin answer. */
  const expectNoDatabasePassword = async (text: string, tenantIds: string[]) => {
    expect(text).not.toMatch(/databasePassword|password_enc/i);
    const rows = await fx.db.tenant.findMany({
      where: { id: { in: tenantIds } },
      select: { databasePasswordEnc: true },
    });
    for (const row of rows) expect(text).not.toContain(row.databasePasswordEnc);
  };

  describe('access', () => {
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/v1/admin/tenants'],
      ['GET', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000'],
      ['POST', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000/suspend'],
      ['POST', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000/resume'],
      ['DELETE', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000'],
      ['GET', '/v1/admin/database-servers'],
      [
        'POST',
        '/v1/admin/database-servers',
        { name: 'x', adminUrl: 'postgresql://x@127.0.0.1/postgres', pgbouncerHost: '127.0.0.1', pgbouncerPort: 6432 },
      ],
      ['GET', '/v1/admin/audit-logs'],
      ['PATCH', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000/limits', { plan: 'free' }],
      ['GET', '/v1/admin/queues'],
      ['GET', '/v1/admin/queues/email/jobs?state=failed'],
      ['GET', '/v1/admin/queues/email/jobs/1'],
      ['POST', '/v1/admin/queues/email/jobs/1/retry'],
      ['DELETE', '/v1/admin/queues/email/jobs/1'],
      ['POST', '/v1/admin/tenant-migrations'],
    ];

    it('refuses every admin route to a tenant OWNER who is not a platform admin', async () => {
      for (const [method, path, body] of routes) {
        const response = await fx.request(method, path, { token: owner.token, body });
        expect({ route: `${method} ${path}`, status: response.status, code: response.body.code }).toEqual({
          route: `${method} ${path}`,
          status: 403,
          code: 'insufficient_role',
        });
      }
    });

    it('refuses a platform admin token whose user is not (or no longer) an admin in the database', async () => {
      const forged = fx.tokenFor(owner.user, tenant, MembershipRole.OWNER, true);
      const withdrawn = await fx.member(tenant, MembershipRole.AGENT, { isPlatformAdmin: true });
      expect((await fx.request('GET', '/v1/admin/tenants', { token: withdrawn.token })).status).toBe(200);
      await fx.db.user.update({ where: { id: withdrawn.user.id }, data: { isPlatformAdmin: false } });
      for (const token of [forged, withdrawn.token]) {
        for (const [method, path, body] of routes) {
          const response = await fx.request(method, path, { token, body });
          expect({ route: `${method} ${path}`, status: response.status }).toEqual({
            route: `${method} ${path}`,
            status: 403,
          });
        }
      }
    });

    it('refuses every admin route to a platform admin without 2FA, until they enrol through /v1/auth/2fa', async () => {
      const unenrolled = await fx.member(tenant, MembershipRole.AGENT, { isPlatformAdmin: true, twoFactor: false });
      for (const [method, path, body] of routes) {
        const response = await fx.request(method, path, { token: unenrolled.token, body });
        expect({ route: `${method} ${path}`, status: response.status, code: response.body.code }).toEqual({
          route: `${method} ${path}`,
          status: 403,
          code: 'admin_two_factor_required',
        });
      }
      const refused = await fx.request('GET', '/v1/admin/tenants', { token: unenrolled.token });
      expect(refused.body.detail).toMatch(/\/v1\/auth\/2fa\/setup.*\/v1\/auth\/2fa\/enable/);

      const codes = new TotpCodes();
      const setup = await fx.request('POST', '/v1/auth/2fa/setup', { token: unenrolled.token });
      expect(setup.status).toBe(200);
      // Pending is not enough.
      expect((await fx.request('GET', '/v1/admin/tenants', { token: unenrolled.token })).body.code).toBe(
        'admin_two_factor_required',
      );
      const enabled = await fx.request('POST', '/v1/auth/2fa/enable', {
        token: unenrolled.token,
        body: { code: await codes.next(setup.body.secret) },
      });
      expect(enabled.status).toBe(200);

      // The same token, signed before the enrolment, now works on each family.
      for (const path of [
        '/v1/admin/tenants',
        '/v1/admin/database-servers',
        '/v1/admin/audit-logs',
        '/v1/admin/queues',
        `/v1/admin/tenants/${tenant.id}`,
      ]) {
        const response = await fx.request('GET', path, { token: unenrolled.token });
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
      }
      const limits = await fx.request('PATCH', `/v1/admin/tenants/${tenant.id}/limits`, {
        token: unenrolled.token,
        body: {},
      });
      expect(limits.status).toBe(200);

      // Turning 2FA off closes the admin routes again.
      await fx.db.user.update({
        where: { id: unenrolled.user.id },
        data: { totpEnabledAt: null, totpSecretEnc: null },
      });
      expect((await fx.request('GET', '/v1/admin/tenants', { token: unenrolled.token })).body.code).toBe(
        'admin_two_factor_required',
      );
    });

    it('needs a token', async () => {
      expect((await fx.request('GET', '/v1/admin/tenants')).status).toBe(401);
    });
  });

  describe('tenants', () => {
    it('lists tenants filtered by slug and status, page by page, without database passwords', async () => {
      const others = await Promise.all([fx.createTenant(), fx.createTenant()]);
      const ids = [tenant.id, ...others.map((t) => t.id)];
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: {
          status: number;
          body: {
            items: Array<{ id: string; slug: string; status: string; databaseServer: { name: string } }>;
            nextCursor: string | null;
          };
        } = await asAdmin(
          'GET',
          `/v1/admin/tenants?slug=FX-&status=ACTIVE&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        for (const item of page.body.items)
          expect(item).toMatchObject({
            slug: expect.stringMatching(/^fx-/),
            status: 'ACTIVE',
            databaseServer: { name: expect.any(String) },
          });
        await expectNoDatabasePassword(JSON.stringify(page.body), ids);
        seen.push(...page.body.items.map((t) => t.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expect.arrayContaining(ids));
      expect(new Set(seen).size).toBe(seen.length);

      const exact = await asAdmin('GET', `/v1/admin/tenants?slug=${others[0].slug}`);
      expect(exact.body.items.map((t: { id: string }) => t.id)).toEqual([others[0].id]);
      const deleted = await asAdmin('GET', `/v1/admin/tenants?slug=${others[0].slug}&status=DELETED`);
      expect(deleted.body.items).toEqual([]);
      expect((await asAdmin('GET', '/v1/admin/tenants?status=GONE')).status).toBe(400);
    });

    it('reads one tenant with its members count', async () => {
      const response = await asAdmin('GET', `/v1/admin/tenants/${tenant.id}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id: tenant.id,
        slug: tenant.slug,
        status: 'ACTIVE',
        databaseName: tenant.databaseName,
        memberCount: await fx.db.membership.count({ where: { tenantId: tenant.id } }),
      });
      await expectNoDatabasePassword(JSON.stringify(response.body), [tenant.id]);
      const missing = await asAdmin('GET', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('tenant_not_found');
    });

    it('suspends, resumes and deletes a tenant, audited', async () => {
      const subject = await fx.createTenant();
      const suspended = await asAdmin('POST', `/v1/admin/tenants/${subject.id}/suspend`);
      expect(suspended.status).toBe(200);
      expect(suspended.body.status).toBe(TenantStatus.SUSPENDED);
      await expectNoDatabasePassword(JSON.stringify(suspended.body), [subject.id]);
      const resumed = await asAdmin('POST', `/v1/admin/tenants/${subject.id}/resume`);
      expect(resumed.body.status).toBe(TenantStatus.ACTIVE);

      const deleted = await asAdmin('DELETE', `/v1/admin/tenants/${subject.id}`);
      expect(deleted.status).toBe(202);
      expect(deleted.body).toMatchObject({
        id: subject.id,
        status: TenantStatus.DELETED,
        deletedAt: expect.any(String),
      });
      await expectNoDatabasePassword(JSON.stringify(deleted.body), [subject.id]);
      expect((await asAdmin('POST', `/v1/admin/tenants/${subject.id}/resume`)).body.code).toBe('tenant_state_conflict');

      const trail = await asAdmin('GET', `/v1/admin/audit-logs?tenantId=${subject.id}&limit=100`);
      expect(trail.status).toBe(200);
      const actions = trail.body.items.map((e: { action: string }) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['tenant.suspended', 'tenant.resumed', 'tenant.deleted']));
      expect(trail.body.items.every((e: { tenantId: string }) => e.tenantId === subject.id)).toBe(true);
      expect(trail.body.items.find((e: { action: string }) => e.action === 'tenant.suspended').actorUserId).toBe(
        admin.user.id,
      );
      const change = (action: string) => trail.body.items.find((e: { action: string }) => e.action === action).metadata;
      expect(change('tenant.suspended')).toMatchObject({
        before: { status: 'ACTIVE' },
        after: { status: 'SUSPENDED' },
      });
      expect(change('tenant.resumed')).toMatchObject({ before: { status: 'SUSPENDED' }, after: { status: 'ACTIVE' } });
      expect(change('tenant.deletion.started')).toMatchObject({
        before: { status: 'ACTIVE' },
        after: { status: 'DELETING' },
      });
      expect(change('tenant.deleted')).toMatchObject({ before: { status: 'ACTIVE' }, after: { status: 'DELETED' } });
    });
  });

  describe('database servers', () => {
    it("lists servers and registers one, never showing the admin URL's password", async () => {
      const listed = await asAdmin('GET', '/v1/admin/database-servers');
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((s: { name: string }) => s.name)).toContain('primary');

      const base = new URL(fx.running.config.database.tenantServerUrl);
      base.password = 'not-shown-anywhere';
      const name = `extra-${uniqueSuffix()}`;
      const registered = await asAdmin('POST', '/v1/admin/database-servers', {
        name,
        adminUrl: base.toString(),
        pgbouncerHost: '127.0.0.1',
        pgbouncerPort: 6432,
        capacity: 1,
      });
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({ name, capacity: 1, active: true });
      // Out of the placement again: other test files expect their tenants on the primary server.
      await fx.db.databaseServer.update({ where: { id: registered.body.id }, data: { active: false } });
      expect(JSON.stringify(registered.body)).not.toContain('not-shown-anywhere');
      expect(JSON.stringify((await asAdmin('GET', '/v1/admin/database-servers')).body)).not.toContain(
        'not-shown-anywhere',
      );
      const trail = await asAdmin('GET', '/v1/admin/audit-logs?action=database_server.registered');
      expect(JSON.stringify(trail.body)).not.toContain('not-shown-anywhere');
      expect(trail.body.items.find((e: { targetId: string }) => e.targetId === registered.body.id).metadata).toEqual({
        before: null,
        after: {
          name,
          adminUrl: registered.body.adminUrl,
          pgbouncerHost: '127.0.0.1',
          pgbouncerPort: 6432,
          capacity: 1,
          active: true,
        },
      });

      const taken = await asAdmin('POST', '/v1/admin/database-servers', {
        name,
        adminUrl: base.toString(),
        pgbouncerHost: '127.0.0.1',
        pgbouncerPort: 6432,
      });
      expect(taken.status).toBe(409);
      const invalid = await asAdmin('POST', '/v1/admin/database-servers', {
        name: 'Bad Name',
        adminUrl: 'mysql://x',
        pgbouncerHost: '127.0.0.1',
        pgbouncerPort: 0,
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'body.adminUrl',
        'body.name',
        'body.pgbouncerPort',
      ]);
    });
  });

  describe('audit log', () => {
    it("reads every tenant's trail, filtered by tenant", async () => {
      const all = await asAdmin('GET', '/v1/admin/audit-logs?limit=100');
      expect(all.status).toBe(200);
      const only = await asAdmin('GET', `/v1/admin/audit-logs?tenantId=${tenant.id}&action=tenant.created`);
      expect(only.body.items).toEqual([expect.objectContaining({ tenantId: tenant.id, action: 'tenant.created' })]);
      expect((await asAdmin('GET', '/v1/admin/audit-logs?tenantId=nope')).status).toBe(400);
    });
  });
});
