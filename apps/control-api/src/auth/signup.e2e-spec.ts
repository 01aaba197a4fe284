// Sign-up's all-or-nothing registration and its provisioning over HTTP, against the real control
// database (a failure injected by a trigger of this file's own) and the workers embedded in
// control-api (RUN_WORKERS=true) on a queue prefix of this file's own.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { TenantStatus } from '@helpdeskly/database';
import { ProvisioningHooks, type ProvisioningStep } from '@helpdeskly/tenants';
import { untilTenantActive } from '../testing/control-fixture';
import { AuthE2eFixture, strongPassword } from './testing/auth-e2e.fixture';

describe('sign-up (e2e)', () => {
  let api: AuthE2eFixture;
  /** Slugs whose provisioning fails once, after the role is made. */
  const failOnce = new Set<string>();

  before(async () => {
    api = await AuthE2eFixture.start({ RUN_WORKERS: 'true', QUEUE_PREFIX: `signup-${Date.now().toString(36)}` });
    const hooks = api.app.app.get(ProvisioningHooks);
    hooks.afterStep = async (step: ProvisioningStep, tenant) => {
      if (step === 'role_created' && failOnce.delete(tenant.slug)) throw new Error('injected provisioning failure');
    };
  });

  after(async () => {
    await api?.close();
  });

  const form = (name: string) => {
    const slug = api.unique(name);
    return {
      email: `${slug}@example.com`,
      password: strongPassword(),
      name: 'Ada',
      tenantName: 'Engines',
      tenantSlug: slug,
    };
  };

  it('leaves no user, tenant or membership behind when the membership insert fails, and the same sign-up works afterwards', async () => {
    const fail = form('fail');
    const trigger = `signup_fail_${api.run}`;
    // A real failure of the control database, after the user and tenant rows are inserted in the transaction.
    await api.db.$executeRawUnsafe(`
      CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id AND slug = '${fail.tenantSlug}') THEN
          RAISE EXCEPTION 'injected membership failure';
        END IF;
        RETURN NEW;
      END $$`);
    await api.db.$executeRawUnsafe(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON memberships FOR EACH ROW EXECUTE FUNCTION ${trigger}()`,
    );
    const response = await api.post('/v1/auth/signup', fail).finally(async () => {
      await api.db.$executeRawUnsafe(`DROP TRIGGER ${trigger} ON memberships`);
      await api.db.$executeRawUnsafe(`DROP FUNCTION ${trigger}()`);
    });

    expect(response.status).toBe(500);
    expect(await api.db.user.findUnique({ where: { email: fail.email } })).toBeNull();
    expect(await api.db.tenant.findUnique({ where: { slug: fail.tenantSlug } })).toBeNull();
    expect(await api.db.membership.count({ where: { tenant: { slug: fail.tenantSlug } } })).toBe(0);
    expect(
      await api.db.auditLog.count({
        where: { action: 'auth.signup', metadata: { path: ['tenantSlug'], equals: fail.tenantSlug } },
      }),
    ).toBe(0);

    const again = await api.post('/v1/auth/signup', fail);
    api.track(again.body.user?.id, again.body.tenant?.id);
    expect([201, 202]).toContain(again.status);
    await untilTenantActive(api.app.baseUrl, again.body.accessToken);
    expect((await api.login(fail.email, fail.password)).status).toBe(200);
  });

  it('answers 201 with the tenant ACTIVE, which GET /v1/tenants/current reports to its members only', async () => {
    const user = form('active');
    const response = await api.post('/v1/auth/signup', user);
    api.track(response.body.user.id, response.body.tenant.id);

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ role: 'OWNER', tenant: { slug: user.tenantSlug, status: 'ACTIVE' } });
    expect(response.headers.get('location')).toBeNull();
    const current = await api.request('GET', '/v1/tenants/current', { token: response.body.accessToken });
    expect(current.status).toBe(200);
    expect(current.body).toEqual({
      id: response.body.tenant.id,
      slug: user.tenantSlug,
      name: 'Engines',
      status: 'ACTIVE',
    });

    await api.db.membership.deleteMany({ where: { tenantId: response.body.tenant.id } });
    const removed = await api.request('GET', '/v1/tenants/current', { token: response.body.accessToken });
    expect(removed.status).toBe(404);
    expect(removed.body.code).toBe('tenant_not_found');
    expect((await api.request('GET', '/v1/tenants/current')).status).toBe(401);
  });

  it('answers 202 with where to poll when provisioning fails, and the provisioning job makes the tenant ACTIVE', async () => {
    const user = form('retried');
    failOnce.add(user.tenantSlug);
    const response = await api.post('/v1/auth/signup', user);
    api.track(response.body.user.id, response.body.tenant.id);

    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe('/v1/tenants/current');
    expect(response.headers.get('retry-after')).toBe('2');
    // FAILED as sign-up answered; the job may have started its retry already.
    expect([TenantStatus.FAILED, TenantStatus.PROVISIONING]).toContain(response.body.tenant.status);
    expect(response.body).toMatchObject({ role: 'OWNER', tokenType: 'Bearer' });
    expect(failOnce.has(user.tenantSlug)).toBe(false);

    await untilTenantActive(api.app.baseUrl, response.body.accessToken);
    const membership = await api.db.membership.findFirst({ where: { tenantId: response.body.tenant.id } });
    expect(membership).toMatchObject({ userId: response.body.user.id, role: 'OWNER' });
    expect((await api.login(user.email, user.password)).status).toBe(200);
  });
});
