// scripts/ops/backup.sh and scripts/ops/restore.sh against the machine's PostgreSQL: a scratch control
// database (migrated) listing one scratch tenant database, backed up, dropped, restored, compared.
// Never the shared test databases: both are created here and dropped at the end.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { loadConfig } from '@helpdeskly/config';
import { applyMigrations } from '@helpdeskly/migrations';
import { freePort } from '@helpdeskly/testing';

const ROOT = join(__dirname, '../..');
const config = loadConfig();
const serverUrl = config.database.tenantServerUrl;

function urlOf(database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'helpdeskly-backup-spec' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('scripts/ops/backup.sh and scripts/ops/restore.sh', () => {
  const suffix = randomBytes(6).toString('hex');
  const control = `helpdeskly_ops_control_${suffix}`;
  const tenant = `tenant_${randomBytes(16).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  const backups = mkdtempSync(join(tmpdir(), 'helpdeskly-backups-'));
  const env = { ...process.env, CONTROL_DATABASE_URL: urlOf(control), BACKUP_DIR: backups, BACKUP_RETENTION_DAYS: '7' };

  const admin = (sql: string, values: unknown[] = []) => withClient(serverUrl, (client) => client.query(sql, values));
  const tickets = () =>
    withClient(
      urlOf(tenant),
      async (client) =>
        (await client.query<{ id: number; subject: string }>('SELECT id, subject FROM tickets ORDER BY id')).rows,
    );

  function script(name: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
    return scriptWith({}, name, ...args);
  }

  function scriptWith(
    extra: Record<string, string>,
    name: string,
    ...args: string[]
  ): { status: number | null; stdout: string; stderr: string } {
    return spawnSync('bash', [join(ROOT, 'scripts/ops', name), ...args], {
      cwd: ROOT,
      env: { ...env, ...extra },
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  before(async () => {
    await admin(`CREATE DATABASE ${control}`);
    await applyMigrations(urlOf(control), 'control');
    await admin(`CREATE ROLE ${tenant} LOGIN PASSWORD '${password}'`);
    await admin(`CREATE DATABASE ${tenant}`);
    // As provisioning leaves it: closed to PUBLIC, open to the tenant's role and PgBouncer's lookup.
    await admin(`REVOKE CONNECT ON DATABASE ${tenant} FROM PUBLIC`);
    await admin(`GRANT CONNECT ON DATABASE ${tenant} TO ${tenant}, pgbouncer_auth`);
    await withClient(urlOf(tenant), async (client) => {
      await client.query('CREATE TABLE tickets (id int PRIMARY KEY, subject text NOT NULL)');
      await client.query("INSERT INTO tickets SELECT g, 'Ticket ' || g FROM generate_series(1, 200) g");
      await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON tickets TO ${tenant}`);
    });
    await withClient(urlOf(control), async (client) => {
      const { rows } = await client.query<{ id: string }>(
        "INSERT INTO database_servers (id, name, admin_url, pgbouncer_host, pgbouncer_port, updated_at) VALUES (gen_random_uuid(), 'primary', $1, '127.0.0.1', 6432, now()) RETURNING id",
        [serverUrl],
      );
      await client.query(
        "INSERT INTO tenants (id, slug, name, status, database_server_id, database_name, database_role, database_password_enc, updated_at) VALUES (gen_random_uuid(), 'ops-spec', 'Ops spec', 'ACTIVE', $1, $2, $2, 'sealed', now())",
        [rows[0].id, tenant],
      );
      // A deleted tenant's database is gone: it is not backed up.
      await client.query(
        "INSERT INTO tenants (id, slug, name, status, database_server_id, database_name, database_role, database_password_enc, updated_at) VALUES (gen_random_uuid(), 'ops-gone', 'Gone', 'DELETED', $1, $2, $2, 'sealed', now())",
        [rows[0].id, `tenant_${randomBytes(16).toString('hex')}`],
      );
    });
  });

  after(async () => {
    await admin(`DROP DATABASE IF EXISTS ${tenant} WITH (FORCE)`);
    await admin(`DROP DATABASE IF EXISTS ${control} WITH (FORCE)`);
    await admin(`DROP ROLE IF EXISTS ${tenant}`);
    rmSync(backups, { recursive: true, force: true });
  });

  let folder: string;

  it('backs up the control database and every live tenant database, compressed, and deletes old backups', () => {
    const old = join(backups, '20200101T000000Z');
    mkdirSync(old);
    utimesSync(old, new Date('2020-01-01'), new Date('2020-01-01'));

    const result = script('backup.sh');
    expect(result.stderr).not.toMatch(/error|warning/i);
    expect(result.status).toBe(0);
    folder = result.stdout.trim().split('\n').at(-1)!;

    expect(readFileSync(join(folder, 'manifest.tsv'), 'utf8')).toBe(
      `slug\tdatabase\trole\tserver\nops-spec\t${tenant}\t${tenant}\tprimary\n`,
    );
    expect(readdirSync(join(folder, 'tenants'))).toEqual([`${tenant}.dump`]);
    // pg_dump's custom format (compressed), and the roles with their password verifiers.
    expect(readFileSync(join(folder, 'control.dump')).subarray(0, 5).toString()).toBe('PGDMP');
    const roles = spawnSync('gzip', ['-dc', join(folder, `roles-primary.sql.gz`)], { encoding: 'utf8' }).stdout;
    expect(roles).toMatch(new RegExp(`^ALTER ROLE ${tenant} WITH .*PASSWORD 'SCRAM-SHA-256\\$`, 'm'));
    expect(existsSync(old)).toBe(false);
  });

  it('refuses to restore without --yes', () => {
    const result = script('restore.sh', folder, '--all');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/add --yes/);
  });

  it('restores everything after both databases and the tenant role were dropped: same data, same privileges, same login', async () => {
    const before = await tickets();
    await admin(`DROP DATABASE ${tenant} WITH (FORCE)`);
    await admin(`DROP DATABASE ${control} WITH (FORCE)`);
    await admin(`DROP ROLE ${tenant}`);

    const result = script('restore.sh', folder, '--all', '--yes');
    expect(result.stderr).toMatch(/Restored the control database and 1 tenant database/);
    expect(result.status).toBe(0);

    expect(await tickets()).toEqual(before);
    const slugs = await withClient(
      urlOf(control),
      async (client) => (await client.query('SELECT slug, status FROM tenants ORDER BY slug')).rows,
    );
    expect(slugs).toEqual([
      { slug: 'ops-gone', status: 'DELETED' },
      { slug: 'ops-spec', status: 'ACTIVE' },
    ]);
    const { rows } = await admin(
      'SELECT has_database_privilege($1, $2, $3) AS tenant, has_database_privilege($4, $2, $3) AS public_role',
      [tenant, tenant, 'CONNECT', 'pg_monitor'],
    );
    expect(rows[0]).toEqual({ tenant: true, public_role: false });

    // The recreated role has its old password: the tenant logs in through PgBouncer as app-api does.
    const count = await withClient(
      `postgresql://${tenant}:${password}@${config.database.pgbouncer.host}:${config.database.pgbouncer.port}/${tenant}`,
      async (client) => (await client.query('SELECT count(*)::int AS n FROM tickets')).rows[0].n,
    );
    expect(count).toBe(200);
  });

  it('restores one tenant, leaving the control database as it is', async () => {
    await withClient(urlOf(tenant), (client) =>
      client.query("DELETE FROM tickets WHERE id > 10; UPDATE tickets SET subject = 'changed'"),
    );
    await withClient(urlOf(control), (client) =>
      client.query("UPDATE tenants SET name = 'Renamed since' WHERE slug = 'ops-spec'"),
    );

    const result = script('restore.sh', folder, '--tenant', 'ops-spec', '--yes');
    expect(result.status).toBe(0);

    expect((await tickets()).length).toBe(200);
    expect((await tickets())[0]).toEqual({ id: 1, subject: 'Ticket 1' });
    const name = await withClient(
      urlOf(control),
      async (client) => (await client.query("SELECT name FROM tenants WHERE slug = 'ops-spec'")).rows[0].name,
    );
    expect(name).toBe('Renamed since');

    const unknown = script('restore.sh', folder, '--tenant', 'nobody', '--yes');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/Tenant nobody is not in/);
  });

  // Against s3rver (npm), a local S3-compatible server, through the AWS CLI as in production.
  describe('offsite copies on S3-compatible storage (BACKUP_S3_*)', () => {
    const bucket = 'helpdeskly-backups';
    const s3Dir = mkdtempSync(join(tmpdir(), 'helpdeskly-s3rver-'));
    let server: ChildProcess;
    let offsite: Record<string, string>;
    let uploaded: string;
    const stampOf = (date: Date) =>
      date
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}Z$/, 'Z');

    /** The AWS CLI against the local server, as the scripts call it. */
    function aws(...args: string[]): { status: number | null; stdout: string; stderr: string } {
      return spawnSync('aws', ['--endpoint-url', offsite.BACKUP_S3_ENDPOINT, '--region', 'us-east-1', 's3', ...args], {
        env: { ...process.env, ...offsite },
        encoding: 'utf8',
        timeout: 60_000,
      });
    }
    const remoteStamps = () =>
      [...aws('ls', `s3://${bucket}/nightly/`).stdout.matchAll(/PRE (\S+)\//g)].map((m) => m[1]).sort();

    before(async () => {
      const port = await freePort();
      // Its own process: the scripts run through spawnSync, which blocks this one.
      const options = JSON.stringify({
        port,
        address: '127.0.0.1',
        silent: true,
        directory: s3Dir,
        configureBuckets: [{ name: bucket }],
      });
      server = spawn(
        process.execPath,
        ['-e', `new (require('s3rver'))(${options}).run().then(() => console.log('ready'))`],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        server.on('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
      });
      offsite = {
        BACKUP_S3_BUCKET: bucket,
        BACKUP_S3_PREFIX: 'nightly',
        BACKUP_S3_ENDPOINT: `http://127.0.0.1:${port}`,
        BACKUP_S3_REGION: 'us-east-1',
        BACKUP_S3_RETENTION_DAYS: '30',
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
      };
    });

    after(async () => {
      server?.kill();
      rmSync(s3Dir, { recursive: true, force: true });
    });

    it('uploads each backup with its SHA256SUMS, and deletes remote backups older than the retention only', () => {
      const seed = join(backups, 'seed.txt');
      writeFileSync(seed, 'an older backup');
      const old = '20200101T000000Z';
      const recent = stampOf(new Date(Date.now() - 2 * 86_400_000));
      for (const stamp of [old, recent])
        expect(aws('cp', '--only-show-errors', seed, `s3://${bucket}/nightly/${stamp}/manifest.tsv`).status).toBe(0);

      const result = scriptWith(offsite, 'backup.sh');
      expect(result.stderr).not.toMatch(/error|warning/i);
      expect(result.status).toBe(0);
      const local = result.stdout.trim().split('\n').at(-1)!;
      uploaded = local.split('/').at(-1)!;

      expect(remoteStamps()).toEqual([recent, uploaded].sort());
      const listed = aws('ls', '--recursive', `s3://${bucket}/nightly/${uploaded}/`).stdout;
      for (const file of [
        'control.dump',
        'manifest.tsv',
        'roles-primary.sql.gz',
        `tenants/${tenant}.dump`,
        'SHA256SUMS',
      ])
        expect(listed).toContain(`nightly/${uploaded}/${file}`);
      const sums = readFileSync(join(local, 'SHA256SUMS'), 'utf8');
      expect(sums).toMatch(new RegExp(`^[0-9a-f]{64}  tenants/${tenant}\\.dump$`, 'm'));
      expect(aws('cp', `s3://${bucket}/nightly/${uploaded}/SHA256SUMS`, '-').stdout).toBe(sums);

      const list = scriptWith(offsite, 'restore.sh', '--list-remote');
      expect(list.status).toBe(0);
      // The seeded recent one has no SHA256SUMS: an upload that never finished.
      expect(list.stdout).toBe(`${[`${recent}\tincomplete`, `${uploaded}\tcomplete`].sort().join('\n')}\n`);
    });

    it('restores a tenant from the remote copy once the local one is gone, after checking its checksums', async () => {
      rmSync(join(backups, uploaded), { recursive: true, force: true });
      await withClient(urlOf(tenant), (client) =>
        client.query("DELETE FROM tickets WHERE id > 5; UPDATE tickets SET subject = 'lost'"),
      );

      const result = scriptWith(offsite, 'restore.sh', '--from-s3', 'latest', '--tenant', 'ops-spec', '--yes');
      expect(result.stderr).toContain(`Downloading s3://${bucket}/nightly/${uploaded}/`);
      expect(result.status).toBe(0);
      const rows = await tickets();
      expect(rows.length).toBe(200);
      expect(rows[0]).toEqual({ id: 1, subject: 'Ticket 1' });
    });

    it('refuses a remote backup that is corrupted or incomplete, touching nothing', async () => {
      await withClient(urlOf(tenant), (client) => client.query("UPDATE tickets SET subject = 'kept' WHERE id = 1"));
      const garbage = join(backups, 'garbage.dump');
      writeFileSync(garbage, 'PGDMP not really');
      expect(
        aws('cp', '--only-show-errors', garbage, `s3://${bucket}/nightly/${uploaded}/tenants/${tenant}.dump`).status,
      ).toBe(0);

      const corrupted = scriptWith(offsite, 'restore.sh', '--from-s3', uploaded, '--tenant', 'ops-spec', '--yes');
      expect(corrupted.status).toBe(1);
      expect(corrupted.stderr).toMatch(new RegExp(`does not match its SHA256SUMS.*tenants/${tenant}\\.dump`));
      const incomplete = scriptWith(
        offsite,
        'restore.sh',
        '--from-s3',
        stampOf(new Date(Date.now() - 2 * 86_400_000)),
        '--all',
        '--yes',
      );
      expect(incomplete.status).toBe(1);
      expect(incomplete.stderr).toMatch(/is not a complete backup \(no SHA256SUMS\)/);
      expect((await tickets())[0]).toEqual({ id: 1, subject: 'kept' });
    });

    it('exits 1 when the upload fails (wrong credentials, missing bucket), keeping the local backup and every remote one', () => {
      const before = remoteStamps();
      const brokenSettings: Record<string, string>[] = [
        { AWS_ACCESS_KEY_ID: 'NOT-A-KEY' },
        { BACKUP_S3_BUCKET: 'no-such-bucket' },
      ];
      for (const broken of brokenSettings) {
        const result = scriptWith({ ...offsite, ...broken, BACKUP_S3_RETENTION_DAYS: '1' }, 'backup.sh');
        expect({ broken, status: result.status }).toEqual({ broken, status: 1 });
        expect(result.stderr).toMatch(
          /The upload of .* failed \(see above\): the local backup is kept, and no backup was deleted/,
        );
        const local = result.stdout.trim().split('\n').at(-1)!;
        expect(existsSync(join(local, 'SHA256SUMS'))).toBe(true);
      }
      expect(remoteStamps()).toEqual(before);
    });
  });
});
