// What the tenant's role costs per query, two ways, in one run (docs/tenancy.md): the database
// switching the gateway to the tenant's role at login (ALTER ROLE ... IN DATABASE ... SET role, what
// app-api does: one round trip per query), against every transaction setting it first (BEGIN;
// SET LOCAL ROLE; the query; COMMIT: four round trips). Same tenant database, same PgBouncer, same
// gateway role and query, interleaved rounds. Uses .env (or the environment): the first ACTIVE
// tenant of the control database, reached through PgBouncer as the gateway role.
//
//   pnpm run bench:gateway-role [-- SECONDS [CONCURRENCY]]      (default 5 16)
import { Client, Pool } from 'pg';
import { loadConfig, loadDotEnv } from '@helpdeskly/config';
import { tenantPgBouncerUrl } from '@helpdeskly/database';

const QUERY =
  'SELECT id, subject, status FROM tickets WHERE deleted_at IS NULL ORDER BY updated_at DESC, id DESC LIMIT 25';

type Way = 'role of the database' | 'SET LOCAL ROLE per transaction';

async function drive(
  pool: Pool,
  way: Way,
  role: string,
  seconds: number,
  concurrency: number,
): Promise<{ qps: number; p50: number; p99: number; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        try {
          if (way === 'role of the database') {
            await pool.query(QUERY);
          } else {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              await client.query('SELECT set_config($1, $2, true)', ['role', role]);
              await client.query(QUERY);
              await client.query('COMMIT');
            } finally {
              client.release();
            }
          }
          latencies.push(performance.now() - started);
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? Number.NaN;
  return { qps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors };
}

async function main(): Promise<void> {
  loadDotEnv();
  const [seconds = 5, concurrency = 16] = process.argv
    .slice(2)
    .filter((a) => a !== '--')
    .map(Number);
  const config = loadConfig();
  const control = new Client({ connectionString: config.database.controlUrl });
  await control.connect();
  const { rows } = await control.query<{
    database_name: string;
    database_role: string;
    pgbouncer_host: string;
    pgbouncer_port: number;
  }>(
    "SELECT t.database_name, t.database_role, s.pgbouncer_host, s.pgbouncer_port FROM tenants t JOIN database_servers s ON s.id = t.database_server_id WHERE t.status = 'ACTIVE' ORDER BY t.created_at LIMIT 1",
  );
  await control.end();
  if (rows.length === 0) throw new Error('no ACTIVE tenant in the control database: run bash scripts/dev.sh first');
  const tenant = rows[0];
  const url = tenantPgBouncerUrl(
    { databaseName: tenant.database_name },
    { pgbouncerHost: tenant.pgbouncer_host, pgbouncerPort: tenant.pgbouncer_port },
    config.tenancy.gateway,
  );
  const pool = new Pool({ connectionString: url, max: config.tenancy.clientPoolSize });
  pool.on('error', () => undefined);
  const results = new Map<Way, Array<Awaited<ReturnType<typeof drive>>>>();
  try {
    const ways: Way[] = ['role of the database', 'SET LOCAL ROLE per transaction'];
    for (const way of ways) await drive(pool, way, tenant.database_role, 1, concurrency); // warm-up
    for (let round = 0; round < 3; round++) {
      for (const way of round % 2 === 0 ? ways : [...ways].reverse()) {
        const result = await drive(pool, way, tenant.database_role, seconds, concurrency);
        results.set(way, [...(results.get(way) ?? []), result]);
      }
    }
  } finally {
    await pool.end();
  }
  const median = (way: Way) => [...results.get(way)!].sort((a, b) => a.qps - b.qps)[1];
  const base = median('role of the database');
  console.log(
    `${concurrency} concurrent, pool ${config.tenancy.clientPoolSize}, 3 interleaved rounds of ${seconds} s, median round; tenant database ${tenant.database_name}`,
  );
  console.log('| way | queries/s | p50 ms | p99 ms | errors | ratio |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const way of results.keys()) {
    const r = median(way);
    console.log(
      `| ${way} | ${r.qps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${(r.qps / base.qps).toFixed(2)}x |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
