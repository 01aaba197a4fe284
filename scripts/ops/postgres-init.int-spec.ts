// deploy/postgres/init-db-prod.sql and the production PgBouncer entrypoint, as
// docker-compose.prod.yml runs them, on a throwaway PostgreSQL cluster (initdb in a temp dir, its
// own port) and the machine's PgBouncer binary: the roles it creates log in through the rendered
// config with SCRAM, nobody logs in without a password, and short passwords are refused.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { PostgresCluster, ProductionPgBouncer, waitFor } from '@helpdeskly/testing';

const ROOT = join(__dirname, '../..');
const PASSWORDS = {
  app: 'a0b1c2d3e4f5a6b7c8d9e0f1',
  auth: 'b0b1c2d3e4f5a6b7c8d9e0f1',
  stats: 'c0b1c2d3e4f5a6b7c8d9e0f1',
  admin: 'd0b1c2d3e4f5a6b7c8d9e0f1',
  gateway: 'e0b1c2d3e4f5a6b7c8d9e0f1',
};
const BUDGET = '20';
const INIT_ENV = {
  HELPDESKLY_DB_PASSWORD: PASSWORDS.app,
  PGBOUNCER_AUTH_PASSWORD: PASSWORDS.auth,
  TENANT_GATEWAY_PASSWORD: PASSWORDS.gateway,
  TENANT_BACKEND_BUDGET: BUDGET,
};

describe('deploy/postgres/init-db-prod.sql and deploy/pgbouncer/docker-entrypoint.sh', () => {
  let cluster: PostgresCluster;
  let bouncer: ProductionPgBouncer | undefined;

  function initScript(env: Record<string, string>): { status: number | null; output: string } {
    const result = spawnSync(
      'psql',
      [
        '-X',
        '-q',
        '-w',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        '127.0.0.1',
        '-p',
        String(cluster.port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-f',
        join(ROOT, 'deploy/postgres/init-db-prod.sql'),
      ],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...env },
      },
    );
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  before(async () => {
    cluster = await PostgresCluster.start();
  });

  after(async () => {
    await bouncer?.stop();
    cluster?.stop();
  });

  it('refuses to initialise with a missing or short password, or without a budget', () => {
    const missing = initScript({ HELPDESKLY_DB_PASSWORD: PASSWORDS.app });
    expect(missing.status).not.toBe(0);
    expect(missing.output).toContain('PGBOUNCER_AUTH_PASSWORD must be set to 16 or more characters');
    const short = initScript({ ...INIT_ENV, HELPDESKLY_DB_PASSWORD: 'short' });
    expect(short.output).toContain('HELPDESKLY_DB_PASSWORD must be set to 16 or more characters');
    expect(initScript({ ...INIT_ENV, TENANT_GATEWAY_PASSWORD: 'short' }).output).toContain(
      'TENANT_GATEWAY_PASSWORD must be set to 16 or more characters',
    );
    expect(initScript({ ...INIT_ENV, TENANT_BACKEND_BUDGET: 'many' }).output).toContain(
      'TENANT_BACKEND_BUDGET must be set to a number of backends',
    );
  });

  it('creates the application role (not a superuser, may provision tenants), its control database, the lookup role and the gateway role', async () => {
    const result = initScript(INIT_ENV);
    expect(result).toEqual({ status: 0, output: '' });

    const client = new Client({ connectionString: cluster.url() });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolconnlimit, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname IN ('helpdeskly', 'pgbouncer_auth', 'helpdeskly_gateway') ORDER BY rolname",
      );
      expect(rows).toEqual([
        {
          rolname: 'helpdeskly',
          rolsuper: false,
          rolcreatedb: true,
          rolcreaterole: true,
          rolinherit: true,
          rolconnlimit: -1,
          scram: true,
        },
        // No privilege of its own, never inherits a tenant's: each tenant database sets its role.
        {
          rolname: 'helpdeskly_gateway',
          rolsuper: false,
          rolcreatedb: false,
          rolcreaterole: false,
          rolinherit: false,
          rolconnlimit: Number(BUDGET) + 2,
          scram: true,
        },
        {
          rolname: 'pgbouncer_auth',
          rolsuper: false,
          rolcreatedb: false,
          rolcreaterole: false,
          rolinherit: true,
          rolconnlimit: 20,
          scram: true,
        },
      ]);
      const { rows: owner } = await client.query(
        "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'helpdeskly_control'",
      );
      expect(owner).toEqual([{ owner: 'helpdeskly' }]);
    } finally {
      await client.end();
    }
  });

  it('renders a PgBouncer that logs roles in with their passwords only, the superuser never, and caps the gateway at the budget', async () => {
    bouncer = await ProductionPgBouncer.start(cluster.port, {
      PGBOUNCER_AUTH_PASSWORD: PASSWORDS.auth,
      PGBOUNCER_STATS_PASSWORD: PASSWORDS.stats,
      PGBOUNCER_ADMIN_PASSWORD: PASSWORDS.admin,
      TENANT_GATEWAY_PASSWORD: PASSWORDS.gateway,
      TENANT_BACKEND_BUDGET: BUDGET,
    });
    const login = async (user: string, password: string | undefined, database: string) => {
      const client = new Client({ host: '127.0.0.1', port: bouncer!.port, user, password, database });
      await client.connect();
      try {
        return (await client.query('SELECT current_user AS user')).rows[0].user as string;
      } finally {
        await client.end();
      }
    };
    await waitFor(
      'the rendered PgBouncer',
      async () => (await login('helpdeskly', PASSWORDS.app, 'helpdeskly_control')) === 'helpdeskly',
      10_000,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}\n${bouncer!.log()}`);
    });

    await expect(login('helpdeskly', 'not-the-password', 'helpdeskly_control')).rejects.toThrow(/SASL|password/i);
    await expect(login('postgres', undefined, 'postgres')).rejects.toThrow(/no such user|password|SASL/i);
    expect(bouncer.renderedFile('hba.conf')).not.toMatch(/trust$/m);
    // The gateway logs in with its password from the auth_file (PgBouncer then caps it across databases).
    expect(await login('helpdeskly_gateway', PASSWORDS.gateway, 'postgres')).toBe('helpdeskly_gateway');
    await expect(login('helpdeskly_gateway', 'not-the-password', 'postgres')).rejects.toThrow(/SASL|password/i);
    const console = new Client({ connectionString: bouncer.adminUrl() });
    await console.connect();
    try {
      const { rows } = await console.query<{ key: string; value: string }>('SHOW CONFIG');
      expect(rows.find((r) => r.key === 'max_user_connections')?.value).toBe(BUDGET);
    } finally {
      await console.end();
    }
  });

  it('refuses to start PgBouncer with a short password, or without a budget', () => {
    const run = (env: Record<string, string>) =>
      spawnSync('sh', [join(ROOT, 'deploy/pgbouncer/docker-entrypoint.sh')], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...env },
      });
    const valid = {
      PGBOUNCER_AUTH_PASSWORD: PASSWORDS.auth,
      PGBOUNCER_STATS_PASSWORD: PASSWORDS.stats,
      PGBOUNCER_ADMIN_PASSWORD: PASSWORDS.admin,
      TENANT_GATEWAY_PASSWORD: PASSWORDS.gateway,
      TENANT_BACKEND_BUDGET: BUDGET,
    };
    const short = run({ ...valid, PGBOUNCER_AUTH_PASSWORD: 'short' });
    expect(short.status).toBe(78);
    expect(short.stderr).toContain('PGBOUNCER_AUTH_PASSWORD must be set to 16 or more characters');
    const noBudget = run({ ...valid, TENANT_BACKEND_BUDGET: '' });
    expect(noBudget.status).toBe(78);
    expect(noBudget.stderr).toContain('TENANT_BACKEND_BUDGET must be set');
  });
});
