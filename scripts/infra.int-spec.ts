// The PgBouncer that scripts/infra.sh runs, exercised as app-api uses it: tenant roles created at
// any time log in with their own password, transaction pooling is on, server connections bounded.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client, type ClientConfig } from 'pg';
import { loadConfig } from '@helpdeskly/config';

const config = loadConfig();
const bouncer = config.database.pgbouncer;
const ADMIN_URL_FILE = join(__dirname, '../.dev/pgbouncer/admin.url');

interface TenantFixture {
  readonly role: string;
  readonly password: string;
}

function adminConsoleUrl(): string {
  if (process.env.PGBOUNCER_ADMIN_URL) return process.env.PGBOUNCER_ADMIN_URL;
  if (!existsSync(ADMIN_URL_FILE)) throw new Error(`${ADMIN_URL_FILE} is missing: run bash scripts/infra.sh first`);
  return readFileSync(ADMIN_URL_FILE, 'utf8').trim();
}

async function connect(options: ClientConfig): Promise<Client> {
  const client = new Client({ application_name: 'helpdeskly-infra-spec', ...options });
  await client.connect();
  return client;
}

async function query<T extends object>(options: ClientConfig, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = await connect(options);
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** SHOW commands on PgBouncer's admin console (simple query protocol only, no parameters). */
async function show(command: string): Promise<Record<string, string>[]> {
  return query<Record<string, string>>({ connectionString: adminConsoleUrl() }, command);
}

const throughBouncer = ({ role, password }: TenantFixture, overrides: Partial<ClientConfig> = {}): ClientConfig => ({
  host: bouncer.host,
  port: bouncer.port,
  user: role,
  database: role,
  password,
  ...overrides,
});

describe('PgBouncer (scripts/infra.sh)', () => {
  const admin = new Client({
    connectionString: config.database.tenantServerUrl,
    application_name: 'helpdeskly-infra-spec',
  });
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const tenants: TenantFixture[] = [];

  /** A role with a password and a database of the same name, as tenant provisioning makes them. */
  async function createTenant(index: number): Promise<TenantFixture> {
    const tenant = { role: `helpdeskly_t_spec_${suffix}_${index}`, password: randomBytes(18).toString('base64url') };
    const { rows } = await admin.query<{ sql: string }>(
      `SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text) AS sql`,
      [tenant.role, tenant.password],
    );
    await admin.query(rows[0].sql);
    tenants.push(tenant);
    const { rows: db } = await admin.query<{ sql: string }>(
      `SELECT format('CREATE DATABASE %I OWNER %I', $1::text, $1::text) AS sql`,
      [tenant.role],
    );
    await admin.query(db[0].sql);
    return tenant;
  }

  before(async () => {
    await admin.connect();
  });

  after(async () => {
    for (const { role } of tenants) {
      const { rows } = await admin.query<{ sql: string }>(
        `SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', $1::text) AS sql`,
        [role],
      );
      await admin.query(rows[0].sql);
      const { rows: drop } = await admin.query<{ sql: string }>(
        `SELECT format('DROP ROLE IF EXISTS %I', $1::text) AS sql`,
        [role],
      );
      await admin.query(drop[0].sql);
    }
    await admin.end();
  });

  it('lets a role created a moment ago log in to its database with its password, without a reload', async () => {
    const tenant = await createTenant(1);

    const rows = await query<{ user: string; db: string }>(
      throughBouncer(tenant),
      'SELECT current_user AS user, current_database() AS db',
    );

    expect(rows).toEqual([{ user: tenant.role, db: tenant.role }]);
  });

  it('refuses a wrong password, and a role that does not exist', async () => {
    const tenant = await createTenant(2);

    await expect(query(throughBouncer(tenant, { password: 'not-the-password' }), 'SELECT 1')).rejects.toThrow(
      /password authentication failed|SASL/i,
    );
    await expect(query(throughBouncer(tenant, { user: `${tenant.role}_nobody` }), 'SELECT 1')).rejects.toThrow(
      /no such user|password authentication failed|SASL/i,
    );
  });

  it('pools per transaction: a second client reuses the backend the first one left idle', async () => {
    const [mode] = (await show('SHOW CONFIG')).filter((row) => row.key === 'pool_mode');
    expect(mode.value).toBe('transaction');

    const tenant = await createTenant(3);
    const first = await connect(throughBouncer(tenant));
    const second = await connect(throughBouncer(tenant));
    try {
      const { rows: a } = await first.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // The first client is still connected: in session mode it would keep its backend.
      const { rows: b } = await second.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(b[0].pid).toBe(a[0].pid);
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  });

  it('gives one tenant at most default_pool_size backends however many clients it has', async () => {
    const settings = Object.fromEntries((await show('SHOW CONFIG')).map((row) => [row.key, row.value]));
    const poolSize = Number(settings.default_pool_size);
    expect(poolSize).toBeGreaterThan(0);
    expect(Number(settings.max_db_connections)).toBeGreaterThan(0);
    expect(Number(settings.server_idle_timeout)).toBeLessThanOrEqual(60);

    const tenant = await createTenant(4);
    const clients = await Promise.all(Array.from({ length: 6 }, () => connect(throughBouncer(tenant))));
    try {
      const busy = Promise.all(clients.map((client) => client.query('SELECT pg_sleep(0.3)')));
      await new Promise((resolve) => setTimeout(resolve, 150));
      const { rows } = await admin.query<{ count: string }>(
        'SELECT count(*) FROM pg_stat_activity WHERE usename = $1',
        [tenant.role],
      );
      const [pool] = (await show('SHOW POOLS')).filter(
        (row) => row.database === tenant.role && row.user === tenant.role,
      );
      await busy;

      expect(Number(rows[0].count)).toBeLessThanOrEqual(poolSize);
      expect(Number(pool.cl_waiting)).toBeGreaterThan(0);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  it('caps the role-lookup backends across tenant databases and still logs every tenant in', async () => {
    const template = readFileSync(join(__dirname, '../deploy/pgbouncer/pgbouncer.ini.template'), 'utf8');
    const cap = Number(/^pgbouncer_auth = max_user_connections=(\d+)/m.exec(template)?.[1]);
    expect(cap).toBeGreaterThan(0);

    const fresh = await Promise.all(Array.from({ length: cap + 2 }, (_, i) => createTenant(10 + i)));
    for (const tenant of fresh) {
      expect(await query<{ user: string }>(throughBouncer(tenant), 'SELECT current_user AS user')).toEqual([
        { user: tenant.role },
      ]);
    }
    const { rows } = await admin.query<{ count: string }>(
      "SELECT count(*) FROM pg_stat_activity WHERE usename = 'pgbouncer_auth'",
    );
    expect(Number(rows[0].count)).toBeLessThanOrEqual(cap);
  });
});
