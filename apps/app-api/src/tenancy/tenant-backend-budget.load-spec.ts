// The tenant backend budget on a PostgreSQL cluster of its own, started with max_connections = 50
// and set up as production sets one up (init-db-prod.sql: the application role, the lookup role,
// the gateway role; PgBouncer rendered by deploy/pgbouncer/docker-entrypoint.sh): app-api serves 60
// tenants at once, two requests in flight each, with zero errors, and never holds more backends
// than the budget; a PgBouncer whose cap does not fit the server makes app-api refuse to start.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { MembershipRole } from '@helpdeskly/database';
import { freePort, startApiProcess } from '@helpdeskly/testing';
import type { AppFixture, TenantWithOwner } from '../testing/app-fixture';
import { PrivateStack } from '../testing/private-stack';

const MAX_CONNECTIONS = 50;
const RESERVE = 23;
// What scripts/infra.sh would compute: max_connections - superuser_reserved_connections (3) - reserve.
const BUDGET = MAX_CONNECTIONS - 3 - RESERVE;
const TENANTS = 60;
const IN_FLIGHT_PER_TENANT = 2;
const ROUNDS = 5;

describe('tenant backend budget (a server of its own with max_connections = 50)', () => {
  let stack: PrivateStack;
  let fx: AppFixture;
  let admin: Client;
  const owners: TenantWithOwner[] = [];

  before(async () => {
    stack = await PrivateStack.start({
      maxConnections: MAX_CONNECTIONS,
      reserve: RESERVE,
      env: { TENANT_CLIENT_POOL_SIZE: '2' },
    });
    fx = stack.fx;
    admin = new Client({ connectionString: stack.url() });
    await admin.connect();
    for (let i = 0; i < TENANTS; i++) owners.push(await fx.createTenantWithOwner());
    // A row only this tenant's database holds, written directly (no tenant backend held after).
    for (const owner of owners) {
      const db = new Client({ connectionString: stack.url(owner.tenant.databaseName) });
      await db.connect();
      await db.query(`INSERT INTO settings (key, value, updated_at) VALUES ('marker', $1, now())`, [
        JSON.stringify({ slug: owner.tenant.slug }),
      ]);
      await db.end();
    }
  });

  after(async () => {
    await admin?.end();
    await stack?.close();
  });

  it(`serves ${TENANTS} tenants at once with zero errors, within ${BUDGET} backends`, async (t) => {
    let peak = { gateway: 0, all: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await admin.query<{ gateway: number; all: number }>(
          "SELECT count(*) FILTER (WHERE usename = 'helpdeskly_gateway')::int AS gateway, count(*)::int AS all FROM pg_stat_activity WHERE backend_type = 'client backend'",
        );
        peak = { gateway: Math.max(peak.gateway, rows[0].gateway), all: Math.max(peak.all, rows[0].all) };
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const failures: string[] = [];
    let answered = 0;
    const started = performance.now();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const calls = owners
          .flatMap((owner) => Array.from({ length: IN_FLIGHT_PER_TENANT }, () => owner))
          .sort(() => Math.random() - 0.5);
        await Promise.all(
          calls.map(async (owner) => {
            const res = await fx.request('GET', '/v1/helpdesk', { token: owner.token });
            answered++;
            if (res.status !== 200) failures.push(`${res.status} ${res.body?.code}`);
            else if (res.body.settings?.marker?.slug !== owner.tenant.slug)
              failures.push(`tenant ${owner.tenant.slug} got ${JSON.stringify(res.body.settings)}`);
          }),
        );
      }
    } finally {
      sampling = false;
      await sampler;
    }
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(
      `${answered} requests in ${seconds.toFixed(1)} s, ${TENANTS * IN_FLIGHT_PER_TENANT} in flight; peak backends: gateway ${peak.gateway} (budget ${BUDGET}), all client backends ${peak.all} of ${MAX_CONNECTIONS}`,
    );
    expect(failures).toEqual([]);
    expect(answered).toBe(TENANTS * IN_FLIGHT_PER_TENANT * ROUNDS);
    expect(peak.gateway).toBeGreaterThan(0);
    // PgBouncer evicts by closing one tenant's idle backend and at once opening another's; the
    // closed one can still be listed in pg_stat_activity for a moment while it exits, so one sample
    // may see the budget plus that one backend on its way out (seen once in 3 runs).
    expect(peak.gateway).toBeLessThanOrEqual(BUDGET + 1);
    expect(peak.all).toBeLessThan(MAX_CONNECTIONS - 3);
  });

  it('answers a tenant of another role, in the same databases, with its own data only', async () => {
    const [a, b] = [owners[0], owners[1]];
    const forged = await fx.request('GET', '/v1/helpdesk', {
      token: fx.tokenFor(b.user, a.tenant, MembershipRole.OWNER),
    });
    expect(forged.status).toBe(401);
    const own = await fx.request('GET', '/v1/helpdesk', { token: b.token });
    expect(own.body.settings.marker).toEqual({ slug: b.tenant.slug });
  });

  it('refuses to start app-api when PgBouncer may open more backends than the server gives tenants', async () => {
    const greedy = await stack.startPgBouncer(BUDGET + 10);
    try {
      const port = await freePort();
      const started = await startApiProcess('app-api', port, stack.envWith(greedy)).then(
        async (process) => {
          process.child.kill('SIGKILL');
          return `started: ${process.output()}`;
        },
        (error: Error) => error.message,
      );
      expect(started).toContain('app-api refuses to start');
      expect(started).toContain(
        `PgBouncer lets tenant traffic open ${BUDGET + 10} backends (max_user_connections), more than the server can give: max_connections ${MAX_CONNECTIONS} - superuser_reserved_connections 3 - TENANT_BACKEND_RESERVE ${RESERVE} = ${BUDGET}`,
      );
    } finally {
      await greedy.stop();
    }
  });
});
