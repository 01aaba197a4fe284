// scripts/infra.sh run by root from a checkout the postgres user cannot enter (any clone under
// /root, any `mktemp -d`): PgBouncer, which runs as postgres, still starts and serves, with no
// chmod of anyone's home. A copy of the scripts in a private folder, on a port of its own, with
// this checkout's secrets (so the shared roles keep their passwords).
import { spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { freePort } from '@helpdeskly/testing';

const REPO = join(__dirname, '..');
const isRoot = process.getuid?.() === 0;

describe(
  'scripts/infra.sh in a checkout only root can enter',
  { skip: isRoot ? false : 'needs root (PgBouncer then runs as postgres)' },
  () => {
    const home = mkdtempSync(join(tmpdir(), 'helpdeskly-closed-'));
    const checkout = join(home, 'repo');
    let port = 0;

    function infra(...args: string[]): { status: number | null; output: string } {
      const result = spawnSync('bash', ['scripts/infra.sh', ...args], {
        cwd: checkout,
        env: { ...process.env, PGBOUNCER_PORT: String(port) },
        encoding: 'utf8',
        timeout: 120_000,
      });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    }

    after(() => {
      if (port) infra('stop-pgbouncer');
      rmSync(home, { recursive: true, force: true });
    });

    it('starts PgBouncer with its files outside the checkout, links its log and pid, and serves the gateway role', async () => {
      const mode = spawnSync('stat', ['-c', '%a', home], { encoding: 'utf8' }).stdout.trim();
      expect(mode).toBe('700');
      expect(spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', home]).status).not.toBe(0);

      mkdirSync(join(checkout, '.dev/pgbouncer'), { recursive: true });
      for (const part of ['scripts', 'deploy']) cpSync(join(REPO, part), join(checkout, part), { recursive: true });
      cpSync(join(REPO, '.dev/pgbouncer/secrets.env'), join(checkout, '.dev/pgbouncer/secrets.env'));
      port = await freePort();

      const run = infra();
      if (run.status !== 0) throw new Error(`scripts/infra.sh exited ${run.status}:\n${run.output}`);
      expect(run.output).not.toContain('traversable');

      const log = join(checkout, '.dev/pgbouncer/pgbouncer.log');
      expect(lstatSync(log).isSymbolicLink()).toBe(true);
      expect(readlinkSync(log)).toMatch(/^\/(run|var\/tmp)\/helpdeskly-pgbouncer\/[0-9a-f]{12}\/pgbouncer\.log$/);
      expect(Number(readFileSync(join(checkout, '.dev/pgbouncer/pgbouncer.pid'), 'utf8'))).toBeGreaterThan(0);

      const password = /^TENANT_GATEWAY_PASSWORD=(.+)$/m.exec(
        readFileSync(join(checkout, '.dev/pgbouncer/secrets.env'), 'utf8'),
      )?.[1];
      const client = new Client({
        host: '127.0.0.1',
        port,
        user: 'helpdeskly_gateway',
        password,
        database: 'postgres',
      });
      // The gateway may log in to any tenant database; its NOINHERIT membership gives it nothing in
      // `postgres`, which is enough to prove PgBouncer read its auth file and forwarded the login.
      await client.connect();
      try {
        expect((await client.query<{ who: string }>('SELECT current_user AS who')).rows[0].who).toBe(
          'helpdeskly_gateway',
        );
      } finally {
        await client.end();
      }

      expect(infra('stop-pgbouncer').status).toBe(0);
      port = 0;
    });
  },
);
