// init-db-prod.sql and the production PgBouncer entrypoint, as docker-compose.prod.yml runs them,
// on a throwaway PostgreSQL cluster (initdb in a temp dir, its own port) and the machine's
// PgBouncer binary: the roles it creates log in through the rendered config with SCRAM, nobody
// logs in without a password, and short passwords are refused.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { freePort, waitFor } from '@helpdeskly/testing';

const ROOT = join(__dirname, '../..');
const PG_BIN = existsSync('/usr/lib/postgresql') ? join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().at(-1)!, 'bin') : '';
const PASSWORDS = { app: 'a0b1c2d3e4f5a6b7c8d9e0f1', auth: 'b0b1c2d3e4f5a6b7c8d9e0f1', stats: 'c0b1c2d3e4f5a6b7c8d9e0f1', admin: 'd0b1c2d3e4f5a6b7c8d9e0f1' };

/** PostgreSQL and PgBouncer refuse to run as root: as the postgres user when root. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

describe('init-db-prod.sql and infra/pgbouncer/docker-entrypoint.sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'helpdeskly-pginit-'));
  let pgPort: number;
  let bouncerPort: number;
  let bouncer: ChildProcess | undefined;
  let bouncerLog = '';

  function initScript(env: Record<string, string>): { status: number | null; output: string } {
    const result = spawnSync('psql', ['-X', '-q', '-w', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-d', 'postgres', '-f', join(ROOT, 'init-db-prod.sql')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...env },
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  before(async () => {
    if (!PG_BIN) throw new Error('PostgreSQL server binaries are missing (scripts/infra.sh installs them)');
    if (process.getuid?.() === 0) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), 0);
    [pgPort, bouncerPort] = [await freePort(), await freePort()];
    const initdb = spawnSync(...asPostgres(join(PG_BIN, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync']), { encoding: 'utf8' });
    expect(initdb.stderr).not.toMatch(/error|fatal/i);
    const start = spawnSync(...asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-w', '-l', join(dir, 'postgres.log'), '-o', `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']), { encoding: 'utf8' });
    expect(start.status).toBe(0);
  });

  after(async () => {
    if (bouncer && bouncer.exitCode === null) {
      bouncer.kill('SIGTERM');
      await new Promise((resolve) => bouncer!.once('exit', resolve));
    }
    spawnSync(...asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to initialise with a missing or short password', () => {
    const missing = initScript({ HELPDESKLY_DB_PASSWORD: PASSWORDS.app });
    expect(missing.status).not.toBe(0);
    expect(missing.output).toContain('PGBOUNCER_AUTH_PASSWORD must be set to 16 or more characters');
    const short = initScript({ HELPDESKLY_DB_PASSWORD: 'short', PGBOUNCER_AUTH_PASSWORD: PASSWORDS.auth });
    expect(short.output).toContain('HELPDESKLY_DB_PASSWORD must be set to 16 or more characters');
  });

  it('creates the application role (not a superuser, may provision tenants), its control database and the lookup role', async () => {
    const result = initScript({ HELPDESKLY_DB_PASSWORD: PASSWORDS.app, PGBOUNCER_AUTH_PASSWORD: PASSWORDS.auth });
    expect(result).toEqual({ status: 0, output: '' });

    const client = new Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname IN ('helpdeskly', 'pgbouncer_auth') ORDER BY rolname");
      expect(rows).toEqual([
        { rolname: 'helpdeskly', rolsuper: false, rolcreatedb: true, rolcreaterole: true, scram: true },
        { rolname: 'pgbouncer_auth', rolsuper: false, rolcreatedb: false, rolcreaterole: false, scram: true },
      ]);
      const { rows: owner } = await client.query("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'helpdeskly_control'");
      expect(owner).toEqual([{ owner: 'helpdeskly' }]);
    } finally {
      await client.end();
    }
  });

  it('renders a PgBouncer that logs roles in with their passwords only, the superuser never', async () => {
    const conf = join(dir, 'pgbouncer');
    mkdirSync(conf);
    if (process.getuid?.() === 0) chownSync(conf, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), 0);
    const env = {
      PATH: process.env.PATH!,
      PGBOUNCER_TEMPLATES: join(ROOT, 'infra/pgbouncer'),
      PGBOUNCER_CONF_DIR: conf,
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: String(pgPort),
      PGBOUNCER_PORT: String(bouncerPort),
      PGBOUNCER_AUTH_PASSWORD: PASSWORDS.auth,
      PGBOUNCER_STATS_PASSWORD: PASSWORDS.stats,
      PGBOUNCER_ADMIN_PASSWORD: PASSWORDS.admin,
    };
    const [command, args] = asPostgres('env', [...Object.entries(env).map(([key, value]) => `${key}=${value}`), 'sh', join(ROOT, 'infra/pgbouncer/docker-entrypoint.sh')]);
    bouncer = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    bouncer.stdout!.on('data', (chunk: Buffer) => (bouncerLog += chunk.toString()));
    bouncer.stderr!.on('data', (chunk: Buffer) => (bouncerLog += chunk.toString()));
    const login = async (user: string, password: string | undefined, database: string) => {
      const client = new Client({ host: '127.0.0.1', port: bouncerPort, user, password, database });
      await client.connect();
      try {
        return (await client.query('SELECT current_user AS user')).rows[0].user as string;
      } finally {
        await client.end();
      }
    };
    await waitFor('the rendered PgBouncer', async () => (await login('helpdeskly', PASSWORDS.app, 'helpdeskly_control')) === 'helpdeskly', 10_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${bouncerLog}`);
    });

    await expect(login('helpdeskly', 'not-the-password', 'helpdeskly_control')).rejects.toThrow(/SASL|password/i);
    await expect(login('postgres', undefined, 'postgres')).rejects.toThrow(/no such user|password|SASL/i);
    expect(readFileSync(join(conf, 'hba.conf'), 'utf8')).not.toMatch(/trust$/m);
  });

  it('refuses to start PgBouncer with a short password', () => {
    const result = spawnSync('sh', [join(ROOT, 'infra/pgbouncer/docker-entrypoint.sh')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, PGBOUNCER_AUTH_PASSWORD: 'short', PGBOUNCER_STATS_PASSWORD: PASSWORDS.stats, PGBOUNCER_ADMIN_PASSWORD: PASSWORDS.admin },
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('PGBOUNCER_AUTH_PASSWORD must be set to 16 or more characters');
  });
});
