// app-api serving many tenants in turn with a small tenant client registry, against a baseline
// of the same requests to one tenant, in one run. Prints, over time: open clients (registry),
// PgBouncer pools and server connections of the bench's tenants (SHOW POOLS), their backends in
// PostgreSQL (pg_stat_activity) and the process's RSS. Tenants, users and tokens are made with
// control-api's test fixture (real provisioning) and deleted at the end. Uses .env (or the
// environment): PostgreSQL, PgBouncer and the control database must be up and migrated.
//
//   pnpm run bench:registry [-- TENANTS [ROUNDS [MAX_CLIENTS [POOL_SIZE]]]]     (default 50 3 10 2)
//
// Careful on a shared machine: PgBouncer keeps a tenant's backends for server_idle_timeout after
// its last query, so serving many tenants quickly can take most of PostgreSQL's max_connections.
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig, loadDotEnv } from '@helpdeskly/config';
import { MembershipRole } from '@helpdeskly/database';
import { createApp } from '@helpdeskly/http';
import { createLogger } from '@helpdeskly/logging';
import { APP_API } from '../apps/app-api/src/app-api';
import { AppApiModule } from '../apps/app-api/src/app-api.module';
import { TenantClientRegistry } from '@helpdeskly/tenant-data';
import { ControlFixture, type FixtureMember } from '../apps/control-api/src/testing/control-fixture';

const CONCURRENCY = 8;
const SAMPLE_MS = 500;

function pgbouncerAdminUrl(): string | undefined {
  const file = join(__dirname, '../.dev/pgbouncer/admin.url');
  return process.env.PGBOUNCER_ADMIN_URL ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
}

/** Sends `total` GET /v1/helpdesk, `CONCURRENCY` at a time, request i with tokens[i % n]. */
async function drive(
  baseUrl: string,
  members: FixtureMember[],
  total: number,
): Promise<{ rps: number; failures: Record<string, number> }> {
  const failures: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < total; i = next++) {
        const member = members[i % members.length];
        const response = await fetch(`${baseUrl}/v1/helpdesk`, {
          headers: { authorization: `Bearer ${member.token}` },
        });
        const body = (await response.json()) as { tenant?: { slug?: string }; code?: string };
        if (response.status === 200 && body.tenant?.slug !== member.tenant.slug)
          throw new Error(`tenant ${member.tenant.slug} was answered with another tenant's data`);
        if (response.status !== 200)
          failures[`${response.status} ${body.code}`] = (failures[`${response.status} ${body.code}`] ?? 0) + 1;
      }
    }),
  );
  return { rps: total / ((performance.now() - started) / 1000), failures };
}

async function main(): Promise<void> {
  loadDotEnv();
  const [tenantCount = 50, rounds = 3, maxClients = 10, poolSize = 2] = process.argv
    .slice(2)
    .filter((a) => a !== '--')
    .map(Number);
  const overrides = {
    TENANT_CLIENT_MAX: String(maxClients),
    TENANT_CLIENT_POOL_SIZE: String(poolSize),
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'fatal',
  };
  const config = loadConfig({ ...process.env, ...overrides });
  const control = await ControlFixture.start(overrides);
  const app = await createApp(AppApiModule.forRoot(config), {
    config,
    api: APP_API,
    logger: createLogger({ name: 'bench', level: 'fatal', pretty: false }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const registry = app.get(TenantClientRegistry);
  const admin = new Client({ connectionString: config.database.tenantServerUrl, application_name: 'helpdeskly-bench' });
  await admin.connect();
  const consoleUrl = pgbouncerAdminUrl();
  const pgbouncer = consoleUrl ? new Client({ connectionString: consoleUrl }) : undefined;
  await pgbouncer?.connect();

  try {
    const started = performance.now();
    const members: FixtureMember[] = [];
    for (let i = 0; i < tenantCount; i++)
      members.push(await control.member(await control.createTenant(), MembershipRole.OWNER));
    console.log(
      `provisioned ${tenantCount} tenants in ${((performance.now() - started) / 1000).toFixed(1)} s; max clients ${maxClients}, pool ${poolSize} each, ${CONCURRENCY} concurrent requests`,
    );
    const databases = new Set(members.map((m) => m.tenant.databaseName));

    let peak = { open: 0, pools: 0, serverConnections: 0, backends: 0, rssMb: 0 };
    const sample = async (label: string, collect = false) => {
      const { open } = registry.stats();
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ANY($1)',
        [[...databases]],
      );
      let pools = 0;
      let serverConnections = 0;
      if (pgbouncer) {
        const { rows: poolRows } = await pgbouncer.query<{
          database: string;
          sv_active: string;
          sv_idle: string;
          sv_used: string;
        }>('SHOW POOLS');
        const ours = poolRows.filter((r) => databases.has(r.database));
        pools = ours.length;
        serverConnections = ours.reduce((n, r) => n + Number(r.sv_active) + Number(r.sv_idle) + Number(r.sv_used), 0);
      }
      // Between phases, with --expose-gc (the package script), RSS after a collection: what stays.
      if (collect) (globalThis as { gc?: () => void }).gc?.();
      const rssMb = process.memoryUsage().rss / 1024 / 1024;
      const now = { open, pools, serverConnections, backends: rows[0].n, rssMb };
      peak = {
        open: Math.max(peak.open, open),
        pools: Math.max(peak.pools, pools),
        serverConnections: Math.max(peak.serverConnections, serverConnections),
        backends: Math.max(peak.backends, now.backends),
        rssMb: Math.max(peak.rssMb, rssMb),
      };
      console.log(
        `${label.padEnd(12)} open clients ${String(open).padStart(3)} | pgbouncer pools ${String(pools).padStart(3)}, server conns ${String(serverConnections).padStart(3)} | backends ${String(now.backends).padStart(3)} | rss ${rssMb.toFixed(0)} MB`,
      );
    };
    const sampled = async <T>(label: string, work: Promise<T>): Promise<T> => {
      let t = 0;
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        void sample(`${label} ${((t += SAMPLE_MS) / 1000).toFixed(1)}s`).finally(() => (busy = false));
      }, SAMPLE_MS);
      try {
        return await work;
      } finally {
        clearInterval(timer);
      }
    };

    const total = tenantCount * rounds;
    // Warm-up: JIT, Prisma's query plans, the first tenant's client.
    await drive(baseUrl, members.slice(0, 1), 200);
    await sample('before', true);
    const single = await sampled('one tenant', drive(baseUrl, members.slice(0, 1), total));
    await sample('after one', true);
    const many = await sampled('in turn', drive(baseUrl, members, total));
    await sample('after turn', true);
    const stats = registry.stats();

    console.log(
      `\n${total} requests each (GET /v1/helpdesk: tenant lookup, membership, 2 queries in the tenant database)`,
    );
    const failed = (f: Record<string, number>) => (Object.keys(f).length ? `, failed: ${JSON.stringify(f)}` : '');
    console.log(`one tenant:            ${single.rps.toFixed(0)} req/s${failed(single.failures)}`);
    console.log(
      `${tenantCount} tenants in turn:   ${many.rps.toFixed(0)} req/s  (ratio ${(many.rps / single.rps).toFixed(2)} of one tenant)${failed(many.failures)}`,
    );
    console.log(
      `registry: ${stats.creations} clients created, ${JSON.stringify(stats.evictions)} evicted, ${stats.waits} acquisitions waited, open now ${stats.open} (max ${stats.max})`,
    );
    console.log(
      `peaks: open clients ${peak.open}, pgbouncer pools ${peak.pools}, server conns ${peak.serverConnections}, backends ${peak.backends}, rss ${peak.rssMb.toFixed(0)} MB`,
    );
  } finally {
    await pgbouncer?.end();
    await admin.end();
    await app.close();
    await control.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
