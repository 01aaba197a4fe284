import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'expect';
import { databaseNameOf, withDatabase } from './database-url';
import { MigrationError } from './migration.errors';
import { readMigrations, schemaPaths } from './migrations-folder';
import { applyMigrations, migrateTenantDatabase, migrationStatus, resolveFailedMigration } from './migrator';
import { ADMIN_URL, TemporaryDatabases, query } from './temporary-databases.fixture';
import { migrateAllTenants } from './tenant-migrations';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const tenantMigrations = readMigrations(schemaPaths('tenant').migrationsDir);
const tenantMigrationNames = tenantMigrations.map((m) => m.name);
const lastTenantMigration = tenantMigrationNames.at(-1);

interface MigrationRecord {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const migrationRecords = (url: string) =>
  query<MigrationRecord>(url, 'SELECT * FROM _prisma_migrations ORDER BY started_at');
const tableExists = async (url: string, table: string) =>
  (await query<{ found: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS found', [table]))[0].found;

describe('migrator', () => {
  const databases = new TemporaryDatabases();
  const tmpDirs: string[] = [];

  after(async () => {
    await databases.dropAll();
    for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('has tenant migrations to test with', () => {
    expect(tenantMigrationNames.length).toBeGreaterThan(0);
  });

  describe(applyMigrations.name, () => {
    it('migrates a fresh database and records each migration as prisma migrate deploy does', async () => {
      const url = await databases.create('fresh');

      await expect(applyMigrations(url, 'tenant')).resolves.toEqual({ applied: tenantMigrationNames });

      expect(await tableExists(url, 'settings')).toBe(true);
      // The table as Prisma's schema engine creates it.
      const columns = await query(
        url,
        `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
           FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(columns).toEqual([
        {
          column_name: 'id',
          data_type: 'character varying',
          character_maximum_length: 36,
          is_nullable: 'NO',
          column_default: null,
        },
        {
          column_name: 'checksum',
          data_type: 'character varying',
          character_maximum_length: 64,
          is_nullable: 'NO',
          column_default: null,
        },
        {
          column_name: 'finished_at',
          data_type: 'timestamp with time zone',
          character_maximum_length: null,
          is_nullable: 'YES',
          column_default: null,
        },
        {
          column_name: 'migration_name',
          data_type: 'character varying',
          character_maximum_length: 255,
          is_nullable: 'NO',
          column_default: null,
        },
        {
          column_name: 'logs',
          data_type: 'text',
          character_maximum_length: null,
          is_nullable: 'YES',
          column_default: null,
        },
        {
          column_name: 'rolled_back_at',
          data_type: 'timestamp with time zone',
          character_maximum_length: null,
          is_nullable: 'YES',
          column_default: null,
        },
        {
          column_name: 'started_at',
          data_type: 'timestamp with time zone',
          character_maximum_length: null,
          is_nullable: 'NO',
          column_default: 'now()',
        },
        {
          column_name: 'applied_steps_count',
          data_type: 'integer',
          character_maximum_length: null,
          is_nullable: 'NO',
          column_default: '0',
        },
      ]);

      const records = await migrationRecords(url);
      expect(records.map((r) => r.migration_name)).toEqual(tenantMigrationNames);
      records.forEach((record, i) => {
        expect(record).toEqual({
          id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
          checksum: sha256(tenantMigrations[i].sql),
          finished_at: expect.any(Date),
          migration_name: tenantMigrations[i].name,
          logs: null,
          rolled_back_at: null,
          started_at: expect.any(Date),
          applied_steps_count: 1,
        });
        expect(record.finished_at!.getTime()).toBeGreaterThanOrEqual(record.started_at.getTime());
      });

      await expect(applyMigrations(url, 'tenant')).resolves.toEqual({ applied: [] });
      expect(await migrationRecords(url)).toHaveLength(tenantMigrationNames.length);
      await expect(migrationStatus(url, 'tenant')).resolves.toEqual({
        applied: tenantMigrationNames,
        pending: [],
        failed: [],
      });
    });

    it('reports a failing migration by name, records it as failed, and refuses to go on until it is resolved', async () => {
      const url = await databases.create('failing');
      const migrationsDir = copyOfTenantMigrations();
      const broken = '20991231000000_broken';
      const brokenSql =
        'CREATE TABLE "half_done" ("id" INTEGER);\nALTER TABLE "does_not_exist" ADD COLUMN "x" INTEGER;\n';
      writeMigrationFile(migrationsDir, broken, brokenSql);

      const failure = await applyMigrations(url, 'tenant', { migrationsDir }).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(MigrationError);
      expect(failure).toMatchObject({ code: 'migration_failed', migrationName: broken, applied: tenantMigrationNames });
      expect((failure as Error).message).toContain(broken);
      expect((failure as Error).message).toContain('relation "does_not_exist" does not exist');
      const record = (await migrationRecords(url)).find((r) => r.migration_name === broken);
      expect(record).toMatchObject({
        checksum: sha256(brokenSql),
        finished_at: null,
        rolled_back_at: null,
        applied_steps_count: 0,
      });
      expect(record?.logs).toEqual(expect.stringContaining('does_not_exist'));
      // The script runs as one statement batch, so nothing of the failed migration stays behind.
      expect(await tableExists(url, 'half_done')).toBe(false);
      await expect(migrationStatus(url, 'tenant', { migrationsDir })).resolves.toEqual({
        applied: tenantMigrationNames,
        pending: [],
        failed: [broken],
      });

      const refusal = await applyMigrations(url, 'tenant', { migrationsDir }).catch((error: unknown) => error);
      expect(refusal).toMatchObject({ code: 'failed_migration_blocks', migrationName: broken });
      expect((refusal as Error).message).toMatch(new RegExp(`${broken}.*P3009.*resolve rolled-back ${broken}`));

      // Repaired (with semicolons inside a function body, which must not split the script) and retried.
      writeMigrationFile(
        migrationsDir,
        broken,
        `CREATE FUNCTION "answer"() RETURNS INTEGER LANGUAGE plpgsql AS $$ BEGIN RETURN 42; END; $$;\nALTER TABLE "settings" ADD COLUMN "x" INTEGER;\n`,
      );
      await resolveFailedMigration(url, 'tenant', broken, 'rolled-back', { migrationsDir });
      await expect(applyMigrations(url, 'tenant', { migrationsDir })).resolves.toEqual({ applied: [broken] });
      expect(await query(url, 'SELECT "answer"() AS answer')).toEqual([{ answer: 42 }]);
      await expect(migrationStatus(url, 'tenant', { migrationsDir })).resolves.toEqual({
        applied: [...tenantMigrationNames, broken],
        pending: [],
        failed: [],
      });
    });

    it('names the database when it cannot connect', async () => {
      await expect(applyMigrations(withDatabase(ADMIN_URL, 'helpdeskly_test_missing_db'), 'tenant')).rejects.toThrow(
        /helpdeskly_test_missing_db/,
      );
    });
  });

  describe(migrateAllTenants.name, () => {
    it('migrates every live tenant at most `concurrency` at a time, records schema_version and reports a broken tenant', async () => {
      const controlUrl = await databases.create('control');
      await applyMigrations(controlUrl, 'control');
      const [alphaUrl, bravoUrl, charlieUrl] = await Promise.all(
        ['alpha', 'bravo', 'charlie'].map((label) => databases.create(label)),
      );
      // bravo's database has a table made by hand: the engine refuses it as not empty (Prisma's P3005).
      await query(bravoUrl, 'CREATE TABLE "settings" ("key" INTEGER)');
      const [{ id: serverId }] = await query<{ id: string }>(
        controlUrl,
        `INSERT INTO database_servers (id, name, admin_url, pgbouncer_host, pgbouncer_port, updated_at)
         VALUES (gen_random_uuid(), 'local', $1, '127.0.0.1', 6432, now()) RETURNING id`,
        [ADMIN_URL],
      );
      const tenants: Array<[slug: string, status: string, databaseName: string]> = [
        ['alpha', 'ACTIVE', databaseNameOf(alphaUrl)],
        ['bravo', 'SUSPENDED', databaseNameOf(bravoUrl)],
        ['charlie', 'ACTIVE', databaseNameOf(charlieUrl)],
        ['delta', 'DELETED', 'helpdeskly_test_gone'],
        ['echo', 'DELETING', 'helpdeskly_test_going'],
        // Provisioning migrates these itself; their database may not exist yet.
        ['foxtrot', 'PROVISIONING', 'helpdeskly_test_pending'],
        ['golf', 'FAILED', 'helpdeskly_test_failed'],
      ];
      for (const [slug, status, dbName] of tenants) {
        await query(
          controlUrl,
          `INSERT INTO tenants (id, slug, name, status, database_server_id, database_name, database_role, database_password_enc, updated_at)
           VALUES (gen_random_uuid(), $1, $1, $2::"TenantStatus", $3, $4, $1 || '_role', 'v1:x', now())`,
          [slug, status, serverId, dbName],
        );
      }
      const ids = Object.fromEntries(
        (await query<{ slug: string; id: string }>(controlUrl, 'SELECT slug, id FROM tenants')).map((t) => [
          t.slug,
          t.id,
        ]),
      );

      let inFlight = 0;
      let maxInFlight = 0;
      const progress: string[] = [];
      const reports = await migrateAllTenants({
        controlDatabaseUrl: controlUrl,
        concurrency: 2,
        onProgress: (report, { done, total }) => progress.push(`${done}/${total} ${report.slug}`),
        migrate: async (databaseUrl) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          try {
            return await migrateTenantDatabase(databaseUrl);
          } finally {
            inFlight--;
          }
        },
      });

      expect(maxInFlight).toBe(2);
      expect(reports).toEqual([
        { tenantId: ids.alpha, slug: 'alpha', applied: tenantMigrationNames },
        {
          tenantId: ids.bravo,
          slug: 'bravo',
          applied: [],
          error: expect.stringMatching(new RegExp(`${databaseNameOf(bravoUrl)}.*schema is not empty`)),
        },
        { tenantId: ids.charlie, slug: 'charlie', applied: tenantMigrationNames },
      ]);
      expect(progress.map((p) => p.split(' ')[0])).toEqual(['1/3', '2/3', '3/3']);
      expect(await tableExists(alphaUrl, 'settings')).toBe(true);
      expect(await tableExists(charlieUrl, 'settings')).toBe(true);
      const versions = await query<{ slug: string; schema_version: string | null }>(
        controlUrl,
        'SELECT slug, schema_version FROM tenants ORDER BY slug',
      );
      expect(versions).toEqual([
        { slug: 'alpha', schema_version: lastTenantMigration },
        { slug: 'bravo', schema_version: null },
        { slug: 'charlie', schema_version: lastTenantMigration },
        { slug: 'delta', schema_version: null },
        { slug: 'echo', schema_version: null },
        { slug: 'foxtrot', schema_version: null },
        { slug: 'golf', schema_version: null },
      ]);
    });

    it('rejects a concurrency that is not a positive integer', async () => {
      await expect(migrateAllTenants({ controlDatabaseUrl: ADMIN_URL, concurrency: 0 })).rejects.toThrow(/concurrency/);
    });
  });

  function copyOfTenantMigrations(): string {
    const dir = mkdtempSync(join(tmpdir(), 'helpdeskly-migrations-'));
    tmpDirs.push(dir);
    cpSync(schemaPaths('tenant').migrationsDir, dir, { recursive: true });
    return dir;
  }
});

function writeMigrationFile(migrationsDir: string, name: string, sql: string): void {
  mkdirSync(join(migrationsDir, name), { recursive: true });
  writeFileSync(join(migrationsDir, name, 'migration.sql'), sql);
}
