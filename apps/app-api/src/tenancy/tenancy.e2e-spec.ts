import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { MembershipRole, TenantStatus } from '@helpdeskly/database';
import { waitFor } from '@helpdeskly/testing';
import { TenantsService } from '../../../control-api/src/tenants/tenants.service';
import { startAppApi, type AppFixture, type TenantWithOwner } from '../testing/app-fixture';
import { TenantClientRegistry } from './tenant-client.registry';
import { TenantDatabase } from './tenant-database';

const MAX_CLIENTS = 5;
const TENANTS = 20;
const POOL_SIZE = 2; // PgBouncer's default_pool_size (infra/pgbouncer)

/** app-api's PGBOUNCER_ADMIN_URL (admin_users: RECONNECT), as scripts/test.sh exports it. */
function pgbouncerReconnectUrl(): string | undefined {
  const file = join(__dirname, '../../../../.dev/pgbouncer/admin-rw.url');
  return process.env.PGBOUNCER_ADMIN_URL || (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
}

function pgbouncerAdminUrl(): string | undefined {
  const file = join(__dirname, '../../../../.dev/pgbouncer/admin.url');
  return process.env.PGBOUNCER_ADMIN_URL ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
}

describe('tenant routing (app-api)', () => {
  let fx: AppFixture;
  let registry: TenantClientRegistry;
  let admin: Client;
  const tenants: TenantWithOwner[] = [];
  const reconnectUrl = pgbouncerReconnectUrl();
  const lifecycle = () => fx.control.running.app.get(TenantsService);

  /** Backends of these tenants' roles, per role, in PostgreSQL. */
  async function backends(roles: string[]): Promise<Map<string, number>> {
    const { rows } = await admin.query<{ usename: string; n: number }>('SELECT usename, count(*)::int AS n FROM pg_stat_activity WHERE usename = ANY($1) GROUP BY usename', [roles]);
    return new Map(rows.map((r) => [r.usename, r.n]));
  }

  /** Idle backends of these tenants' roles, all together. */
  async function idleBackends(roles: string[]): Promise<number> {
    const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = ANY($1) AND state = 'idle'", [roles]);
    return rows[0].n;
  }

  before(async () => {
    fx = await startAppApi({ TENANT_CLIENT_MAX: String(MAX_CLIENTS), ...(reconnectUrl ? { PGBOUNCER_ADMIN_URL: reconnectUrl } : {}) });
    registry = fx.app.get(TenantClientRegistry);
    admin = new Client({ connectionString: fx.running.config.database.tenantServerUrl, application_name: 'helpdeskly-tenancy-spec' });
    await admin.connect();
    for (let i = 0; i < TENANTS; i++) tenants.push(await fx.createTenantWithOwner());
    // A row only this tenant's database holds, written through PgBouncer with the tenant's role.
    for (const owner of tenants) {
      await fx.asTenant(owner, (db) => db.client().setting.create({ data: { key: 'marker', value: { slug: owner.tenant.slug } } }));
    }
  });

  after(async () => {
    await admin?.end();
    await fx?.close();
  });

  it('answers every interleaved request of 20 tenants with its own data, with at most 5 clients open', async (t) => {
    let maxOpen = 0;
    let maxBackendsPerTenant = 0;
    let maxBackends = 0;
    let settleMs = 0;
    const roles = tenants.map((t) => t.tenant.databaseRole);
    const sampler = setInterval(() => {
      maxOpen = Math.max(maxOpen, registry.stats().open);
    }, 1);
    const before = registry.stats();
    try {
      for (let round = 0; round < 3; round++) {
        // Each round: every tenant, several requests each, all in flight together and shuffled.
        const calls = tenants.flatMap((owner) => [owner, owner, owner]).sort(() => Math.random() - 0.5);
        const results = await Promise.all(calls.map(async (owner) => ({ owner, res: await fx.request('GET', '/v1/helpdesk', { token: owner.token }) })));
        for (const { owner, res } of results) {
          expect(res.status).toBe(200);
          expect(res.body).toEqual({
            tenant: { id: owner.tenant.id, slug: owner.tenant.slug, settings: {} },
            me: { userId: owner.user.id, role: 'OWNER' },
            settings: { marker: { slug: owner.tenant.slug } },
            ticketCount: 0,
          });
        }
        const counts = await backends(roles);
        maxBackendsPerTenant = Math.max(maxBackendsPerTenant, ...counts.values());
        maxBackends = Math.max(maxBackends, [...counts.values()].reduce((a, b) => a + b, 0));
        if (reconnectUrl) {
          // RECONNECT after each eviction: evicted tenants' idle backends close within PgBouncer's
          // janitor pass, well before server_idle_timeout (10 s); only the open clients' remain.
          const started = Date.now();
          let idle = -1;
          await waitFor(
            `idle backends of the ${TENANTS} tenants <= ${MAX_CLIENTS * POOL_SIZE}`,
            async () => (idle = await idleBackends(roles)) <= MAX_CLIENTS * POOL_SIZE,
            4_000,
            50,
          ).catch((error: Error) => {
            throw new Error(`${error.message} (still ${idle})`);
          });
          settleMs = Math.max(settleMs, Date.now() - started);
        }
      }
    } finally {
      clearInterval(sampler);
    }
    const stats = registry.stats();
    t.diagnostic(`max open clients ${maxOpen}; backends max ${maxBackends} (per tenant ${maxBackendsPerTenant}); idle backends settled within ${settleMs} ms; ${JSON.stringify(stats)}`);
    expect(maxOpen).toBeLessThanOrEqual(MAX_CLIENTS);
    expect(stats.open).toBeLessThanOrEqual(MAX_CLIENTS);
    expect(stats.creations - before.creations).toBeGreaterThanOrEqual(TENANTS);
    expect(stats.evictions.lru).toBeGreaterThan(0);
    expect(stats.inUse).toBe(0);
    // PgBouncer gives each tenant at most its pool; backends of evicted clients close after
    // server_idle_timeout (10 s), so the total follows the tenants served in the last seconds.
    expect(maxBackendsPerTenant).toBeLessThanOrEqual(POOL_SIZE);
    expect(maxBackends).toBeLessThanOrEqual(POOL_SIZE * TENANTS);
    if (reconnectUrl) {
      expect(stats.pgbouncerReconnects).toBeGreaterThan(0);
      expect(stats.pgbouncerReconnectFailures).toBe(0);
    } else {
      t.diagnostic('no PGBOUNCER_ADMIN_URL (.dev/pgbouncer/admin-rw.url): evicted backends are not checked');
    }
  });

  it('keeps PgBouncer client connections within the open clients\' pools', async (t) => {
    const url = pgbouncerAdminUrl();
    if (!url) return t.skip('no PgBouncer admin console URL');
    const console = new Client({ connectionString: url });
    await console.connect();
    try {
      const { rows } = await console.query<{ database: string; cl_active: string; cl_waiting: string }>('SHOW POOLS');
      const ours = new Set(tenants.map((t) => t.tenant.databaseName));
      const clientConnections = rows.filter((r) => ours.has(r.database)).reduce((n, r) => n + Number(r.cl_active) + Number(r.cl_waiting), 0);
      t.diagnostic(`PgBouncer client connections of the ${TENANTS} tenants: ${clientConnections}`);
      expect(clientConnections).toBeLessThanOrEqual(MAX_CLIENTS * Number(fx.running.config.tenancy.clientPoolSize));
    } finally {
      await console.end();
    }
  });

  it('creates one client for two concurrent first requests of a tenant', async () => {
    const owner = await fx.createTenantWithOwner();
    const before = registry.stats().creations;
    const [a, b] = await Promise.all([fx.request('GET', '/v1/helpdesk', { token: owner.token }), fx.request('GET', '/v1/helpdesk', { token: owner.token })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(registry.stats().creations - before).toBe(1);
  });

  it('never lets a token of tenant B read tenant A', async () => {
    const [a, b] = [tenants[0], tenants[1]];
    const asB = await fx.request('GET', '/v1/helpdesk', { token: b.token });
    expect(asB.body.settings).toEqual({ marker: { slug: b.tenant.slug } });
    expect(JSON.stringify(asB.body)).not.toContain(a.tenant.slug);
    // B's user with a (validly signed) token naming A, where it is no member.
    const forged = await fx.request('GET', '/v1/helpdesk', { token: fx.tokenFor(b.user, a.tenant, MembershipRole.OWNER) });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ code: 'membership_revoked' });
    expect(JSON.stringify(forged.body)).not.toContain(a.tenant.slug);
  });

  it('refuses a suspended tenant with 403 tenant_suspended, and serves it again once reactivated', async () => {
    const owner = await fx.createTenantWithOwner();
    expect((await fx.request('GET', '/v1/helpdesk', { token: owner.token })).status).toBe(200);
    // Through control-api, which invalidates the shared cache (Redis keeps rows far longer than the in-process TTL).
    await lifecycle().suspend(owner.tenant.id);
    let refused = await fx.request('GET', '/v1/helpdesk', { token: owner.token });
    await waitFor('the suspension to reach app-api', async () => (refused = await fx.request('GET', '/v1/helpdesk', { token: owner.token })).status === 403, 1_000, 10);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 403, code: 'tenant_suspended', type: 'https://helpdeskly.dev/problems/tenant-suspended' });
    await lifecycle().resume(owner.tenant.id);
    await waitFor('the resumption to reach app-api', async () => (await fx.request('GET', '/v1/helpdesk', { token: owner.token })).status === 200, 1_000, 10);
  });

  it('refuses a deleted tenant, or one still provisioning, with 401 tenant_unavailable', async () => {
    const owner = await fx.createTenantWithOwner();
    expect((await fx.request('GET', '/v1/helpdesk', { token: owner.token })).status).toBe(200);
    await lifecycle().deleteTenant(owner.tenant.id);
    let deleted = await fx.request('GET', '/v1/helpdesk', { token: owner.token });
    await waitFor('the deletion to reach app-api', async () => (deleted = await fx.request('GET', '/v1/helpdesk', { token: owner.token })).status === 401, 1_000, 10);
    expect(deleted.status).toBe(401);
    expect(deleted.body).toMatchObject({ code: 'tenant_unavailable' });
    expect(deleted.headers.get('www-authenticate')).toContain('invalid_token');

    const provisioning = await fx.createTenantWithOwner();
    await fx.control.db.tenant.update({ where: { id: provisioning.tenant.id }, data: { status: TenantStatus.PROVISIONING } });
    const early = await fx.request('GET', '/v1/helpdesk', { token: provisioning.token });
    expect(early.status).toBe(401);
    expect(early.body).toMatchObject({ code: 'tenant_unavailable' });
    await fx.control.db.tenant.update({ where: { id: provisioning.tenant.id }, data: { status: TenantStatus.ACTIVE } });
  });

  it('refuses a removed member with 401 membership_revoked', async () => {
    const owner = tenants[2];
    const agent = await fx.addMember(owner.tenant, MembershipRole.AGENT);
    const ok = await fx.request('GET', '/v1/helpdesk', { token: agent.token });
    expect(ok.status).toBe(200);
    expect(ok.body.me).toEqual({ userId: agent.user.id, role: 'AGENT' });
    expect((await fx.control.request('DELETE', `/v1/members/${agent.user.id}`, { token: owner.token })).status).toBe(204);
    let refused = await fx.request('GET', '/v1/helpdesk', { token: agent.token });
    await waitFor('the removal to reach app-api', async () => (refused = await fx.request('GET', '/v1/helpdesk', { token: agent.token })).status === 401, 1_000, 10);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'membership_revoked' });
  });

  it('uses the current role, not the one in the token', async () => {
    const owner = tenants[3];
    const agent = await fx.addMember(owner.tenant, MembershipRole.AGENT);
    await fx.control.db.membership.update({ where: { userId_tenantId: { userId: agent.user.id, tenantId: owner.tenant.id } }, data: { role: MembershipRole.ADMIN } });
    const res = await fx.request('GET', '/v1/helpdesk', { token: agent.token });
    expect(res.body.me.role).toBe('ADMIN');
  });

  it('refuses an unknown tenant and a request without a token', async () => {
    const ghost = { ...tenants[0].tenant, id: '00000000-0000-4000-8000-000000000000' };
    const unknown = await fx.request('GET', '/v1/helpdesk', { token: fx.tokenFor(tenants[0].user, ghost, MembershipRole.OWNER) });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ code: 'tenant_unavailable' });
    expect((await fx.request('GET', '/v1/helpdesk')).status).toBe(401);
  });

  it('serves public routes without a tenant', async () => {
    expect((await fx.request('GET', '/health')).status).toBe(200);
  });

  it('gives no tenant database outside a tenant context', () => {
    expect(() => fx.app.get(TenantDatabase).client()).toThrow('outside a tenant context');
  });
});
