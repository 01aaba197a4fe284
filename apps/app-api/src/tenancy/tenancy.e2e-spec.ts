import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { MembershipRole, TenantStatus } from '@helpdeskly/database';
import { waitFor } from '@helpdeskly/testing';
import { startAppApi, type AppFixture, type TenantWithOwner } from '../testing/app-fixture';
import { TenantClientRegistry, TenantDatabase } from '@helpdeskly/tenant-data';

const MAX_CLIENTS = 5;
const TENANTS = 20;
const POOL_SIZE = 2; // PgBouncer's default_pool_size (deploy/pgbouncer)

function pgbouncerAdminUrl(): string | undefined {
  const file = join(__dirname, '../../../../.dev/pgbouncer/admin.url');
  return process.env.PGBOUNCER_ADMIN_URL ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
}

describe('tenant routing (app-api)', () => {
  let fx: AppFixture;
  let registry: TenantClientRegistry;
  let admin: Client;
  const tenants: TenantWithOwner[] = [];
  const lifecycle = () => fx.control.lifecycle;

  /** Backends in PostgreSQL on these databases, per database, and which users logged them in. */
  async function backends(databases: string[]): Promise<{ perDatabase: Map<string, number>; users: Set<string> }> {
    const { rows } = await admin.query<{ datname: string; usename: string; n: number }>(
      "SELECT datname, usename, count(*)::int AS n FROM pg_stat_activity WHERE datname = ANY($1) AND backend_type = 'client backend' GROUP BY datname, usename",
      [databases],
    );
    const perDatabase = new Map<string, number>();
    for (const r of rows) perDatabase.set(r.datname, (perDatabase.get(r.datname) ?? 0) + r.n);
    return { perDatabase, users: new Set(rows.map((r) => r.usename)) };
  }

  before(async () => {
    fx = await startAppApi({ TENANT_CLIENT_MAX: String(MAX_CLIENTS) });
    registry = fx.app.get(TenantClientRegistry);
    admin = new Client({
      connectionString: fx.running.config.database.tenantServerUrl,
      application_name: 'helpdeskly-tenancy-spec',
    });
    await admin.connect();
    for (let i = 0; i < TENANTS; i++) tenants.push(await fx.createTenantWithOwner());
    // A row only this tenant's database holds, written through PgBouncer as the app writes.
    for (const owner of tenants) {
      await fx.asTenant(owner, (db) =>
        db.client().setting.create({ data: { key: 'marker', value: { slug: owner.tenant.slug } } }),
      );
    }
  });

  after(async () => {
    await admin?.end();
    await fx?.close();
  });

  it('answers every interleaved request of 20 tenants with its own data, with at most 5 clients open', async (t) => {
    let maxOpen = 0;
    let maxBackendsPerTenant = 0;
    const gateway = fx.running.config.tenancy.gateway.role;
    const databases = tenants.map((t) => t.tenant.databaseName);
    const users = new Set<string>();
    const sampler = setInterval(() => {
      maxOpen = Math.max(maxOpen, registry.stats().open);
    }, 1);
    const before = registry.stats();
    try {
      for (let round = 0; round < 3; round++) {
        // Each round: every tenant, several requests each, all in flight together and shuffled.
        const calls = tenants.flatMap((owner) => [owner, owner, owner]).sort(() => Math.random() - 0.5);
        const results = await Promise.all(
          calls.map(async (owner) => ({ owner, res: await fx.request('GET', '/v1/helpdesk', { token: owner.token }) })),
        );
        for (const { owner, res } of results) {
          expect(res.status).toBe(200);
          expect(res.body).toEqual({
            tenant: { id: owner.tenant.id, slug: owner.tenant.slug, settings: {} },
            me: { userId: owner.user.id, role: 'OWNER' },
            settings: { marker: { slug: owner.tenant.slug } },
            ticketCount: 0,
          });
        }
        const seen = await backends(databases);
        maxBackendsPerTenant = Math.max(maxBackendsPerTenant, ...seen.perDatabase.values());
        for (const user of seen.users) users.add(user);
      }
    } finally {
      clearInterval(sampler);
    }
    const stats = registry.stats();
    t.diagnostic(
      `max open clients ${maxOpen}; backends per tenant database at most ${maxBackendsPerTenant}; logged in as ${[...users].join(', ')}; ${JSON.stringify(stats)}`,
    );
    expect(maxOpen).toBeLessThanOrEqual(MAX_CLIENTS);
    expect(stats.open).toBeLessThanOrEqual(MAX_CLIENTS);
    expect(stats.creations - before.creations).toBeGreaterThanOrEqual(TENANTS);
    expect(stats.evictions.lru).toBeGreaterThan(0);
    expect(stats.inUse).toBe(0);
    // Every backend of tenant traffic is the gateway's (PgBouncer caps them all together), at most
    // PgBouncer's pool per tenant; the tenant roles themselves never log in.
    expect([...users]).toEqual([gateway]);
    expect(maxBackendsPerTenant).toBeLessThanOrEqual(POOL_SIZE);
  });

  it("runs every tenant's queries as the tenant's own role, which reads nothing of another tenant's database", async () => {
    const [a, b] = [tenants[4], tenants[5]];
    const seen = await fx.asTenant(
      a,
      (db) =>
        db.client().$queryRaw<Array<{ current_user: string; session_user: string }>>`SELECT current_user, session_user`,
    );
    expect(seen).toEqual([
      { current_user: a.tenant.databaseRole, session_user: fx.running.config.tenancy.gateway.role },
    ]);
    // Switching to another tenant's role inside A's database gives no access to A's tables.
    const switched = await fx
      .asTenant(a, (db) =>
        db.client().$transaction(async (tx) => {
          await tx.$executeRawUnsafe(`SET LOCAL ROLE "${b.tenant.databaseRole}"`);
          return tx.$queryRaw`SELECT key FROM settings`;
        }),
      )
      .catch((error: unknown) => error as Error);
    expect(String((switched as Error).message)).toMatch(/permission denied for table settings/);
  });

  it("keeps PgBouncer client connections within the open clients' pools", async (t) => {
    const url = pgbouncerAdminUrl();
    if (!url) return t.skip('no PgBouncer admin console URL');
    const console = new Client({ connectionString: url });
    await console.connect();
    try {
      const { rows } = await console.query<{ database: string; cl_active: string; cl_waiting: string }>('SHOW POOLS');
      const ours = new Set(tenants.map((t) => t.tenant.databaseName));
      const clientConnections = rows
        .filter((r) => ours.has(r.database))
        .reduce((n, r) => n + Number(r.cl_active) + Number(r.cl_waiting), 0);
      t.diagnostic(`PgBouncer client connections of the ${TENANTS} tenants: ${clientConnections}`);
      expect(clientConnections).toBeLessThanOrEqual(MAX_CLIENTS * Number(fx.running.config.tenancy.clientPoolSize));
    } finally {
      await console.end();
    }
  });

  it('creates one client for two concurrent first requests of a tenant', async () => {
    const owner = await fx.createTenantWithOwner();
    const before = registry.stats().creations;
    const [a, b] = await Promise.all([
      fx.request('GET', '/v1/helpdesk', { token: owner.token }),
      fx.request('GET', '/v1/helpdesk', { token: owner.token }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(registry.stats().creations - before).toBe(1);
  });

  it('never lets a token of tenant B read tenant A', async () => {
    const [a, b] = [tenants[0], tenants[1]];
    const asB = await fx.request('GET', '/v1/helpdesk', { token: b.token });
    expect(asB.body.settings).toEqual({ marker: { slug: b.tenant.slug } });
    expect(JSON.stringify(asB.body)).not.toContain(a.tenant.slug);
    // B's user with a (validly signed) token naming A, where it is no member.
    const forged = await fx.request('GET', '/v1/helpdesk', {
      token: fx.tokenFor(b.user, a.tenant, MembershipRole.OWNER),
    });
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
    await waitFor(
      'the suspension to reach app-api',
      async () => (refused = await fx.request('GET', '/v1/helpdesk', { token: owner.token })).status === 403,
      1_000,
      10,
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      status: 403,
      code: 'tenant_suspended',
      type: 'https://helpdeskly.dev/problems/tenant-suspended',
    });
    await lifecycle().resume(owner.tenant.id);
    await waitFor(
      'the resumption to reach app-api',
      async () => (await fx.request('GET', '/v1/helpdesk', { token: owner.token })).status === 200,
      1_000,
      10,
    );
  });

  it('refuses a deleted tenant with 401 tenant_unavailable, and one still provisioning with 503 tenant_provisioning and Retry-After', async () => {
    const owner = await fx.createTenantWithOwner();
    expect((await fx.request('GET', '/v1/helpdesk', { token: owner.token })).status).toBe(200);
    await lifecycle().deleteTenant(owner.tenant.id);
    let deleted = await fx.request('GET', '/v1/helpdesk', { token: owner.token });
    await waitFor(
      'the deletion to reach app-api',
      async () => (deleted = await fx.request('GET', '/v1/helpdesk', { token: owner.token })).status === 401,
      1_000,
      10,
    );
    expect(deleted.status).toBe(401);
    expect(deleted.body).toMatchObject({ code: 'tenant_unavailable' });
    expect(deleted.headers.get('www-authenticate')).toContain('invalid_token');

    const provisioning = await fx.createTenantWithOwner();
    await fx.control.db.tenant.update({
      where: { id: provisioning.tenant.id },
      data: { status: TenantStatus.PROVISIONING },
    });
    const early = await fx.request('GET', '/v1/helpdesk', { token: provisioning.token });
    expect(early.status).toBe(503);
    expect(early.body).toMatchObject({ code: 'tenant_provisioning' });
    // The token stays good: the client retries, it does not log in again.
    expect(early.headers.get('retry-after')).toBe('2');
    expect(early.headers.get('www-authenticate')).toBeNull();
    await fx.control.db.tenant.update({ where: { id: provisioning.tenant.id }, data: { status: TenantStatus.ACTIVE } });
  });

  it('refuses a removed member with 401 membership_revoked', async () => {
    const owner = tenants[2];
    const agent = await fx.addMember(owner.tenant, MembershipRole.AGENT);
    const ok = await fx.request('GET', '/v1/helpdesk', { token: agent.token });
    expect(ok.status).toBe(200);
    expect(ok.body.me).toEqual({ userId: agent.user.id, role: 'AGENT' });
    expect((await fx.control.request('DELETE', `/v1/members/${agent.user.id}`, { token: owner.token })).status).toBe(
      204,
    );
    let refused = await fx.request('GET', '/v1/helpdesk', { token: agent.token });
    await waitFor(
      'the removal to reach app-api',
      async () => (refused = await fx.request('GET', '/v1/helpdesk', { token: agent.token })).status === 401,
      1_000,
      10,
    );
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'membership_revoked' });
  });

  it('uses the current role, not the one in the token', async () => {
    const owner = tenants[3];
    const agent = await fx.addMember(owner.tenant, MembershipRole.AGENT);
    await fx.control.db.membership.update({
      where: { userId_tenantId: { userId: agent.user.id, tenantId: owner.tenant.id } },
      data: { role: MembershipRole.ADMIN },
    });
    const res = await fx.request('GET', '/v1/helpdesk', { token: agent.token });
    expect(res.body.me.role).toBe('ADMIN');
  });

  it('refuses an unknown tenant and a request without a token', async () => {
    const ghost = { ...tenants[0].tenant, id: '00000000-0000-4000-8000-000000000000' };
    const unknown = await fx.request('GET', '/v1/helpdesk', {
      token: fx.tokenFor(tenants[0].user, ghost, MembershipRole.OWNER),
    });
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
