import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expect } from 'expect';
import { MigrationError } from './migration.errors';
import { MIGRATION_LOCK_CONTENT, SCHEMA_NAMES, readMigrations, schemaPaths } from './migrations-folder';
import { createMigration, diffSchemaAgainstMigrations } from './migrator';
import { SHADOW_DATABASE_PREFIX } from './shadow-database';
import { ADMIN_URL, query } from './temporary-databases.fixture';

const ADD_NOTE_SQL = 'ALTER TABLE "settings" ADD COLUMN     "note" TEXT;';
const tmpDirs: string[] = [];

function tmpDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'helpdeskly-drift-'));
  tmpDirs.push(dir);
  return dir;
}

/** A copy of the tenant schema whose Setting model has one more column than the migrations create. */
function tenantSchemaWithNote(): string {
  const original = readFileSync(schemaPaths('tenant').schemaFile, 'utf8');
  const changed = original.replace(/(model Setting \{\n)/, '$1  note String?\n');
  expect(changed).not.toBe(original);
  const file = join(tmpDir(), 'schema.prisma');
  writeFileSync(file, changed);
  return file;
}

function copyOfTenantMigrations(): string {
  const dir = tmpDir();
  cpSync(schemaPaths('tenant').migrationsDir, dir, { recursive: true });
  return dir;
}

const leftoverShadowDatabases = async () =>
  query<{ datname: string }>(ADMIN_URL, 'SELECT datname FROM pg_database WHERE datname LIKE $1', [
    `${SHADOW_DATABASE_PREFIX}${process.pid}\\_%`,
  ]);

after(() => {
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

describe(diffSchemaAgainstMigrations.name, () => {
  for (const schema of SCHEMA_NAMES) {
    it(`finds the ${schema} migrations in step with prisma/${schema}/schema.prisma (else: pnpm run migrate -- create ${schema} <name>)`, async () => {
      expect(await diffSchemaAgainstMigrations(schema)).toBe('');
    });
  }

  it('returns the SQL the migrations lack when the schema has changed', async () => {
    const sql = await diffSchemaAgainstMigrations('tenant', { schemaFile: tenantSchemaWithNote() });
    expect(sql).toContain(ADD_NOTE_SQL);
  });

  it('drops its shadow database, also when the diff fails', async () => {
    const schemaFile = join(tmpDir(), 'schema.prisma');
    writeFileSync(schemaFile, 'datasource db {\n  provider = "postgresql"\n}\n\nmodel Broken {\n  id Strin @id\n}\n');

    const failure = await diffSchemaAgainstMigrations('tenant', { schemaFile }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as Error).message).toContain('Strin');
    expect(await leftoverShadowDatabases()).toEqual([]);
  });
});

describe(createMigration.name, () => {
  it('writes the next migration from the schema, then finds nothing more to do', async () => {
    const schemaFile = tenantSchemaWithNote();
    const migrationsDir = copyOfTenantMigrations();

    const folder = await createMigration('tenant', 'Add setting note', {
      schemaFile,
      migrationsDir,
      now: new Date('2099-01-02T03:04:05Z'),
    });

    expect(folder).toBe(join(migrationsDir, '20990102030405_add_setting_note'));
    expect(readFileSync(join(folder!, 'migration.sql'), 'utf8')).toContain(ADD_NOTE_SQL);
    expect(await diffSchemaAgainstMigrations('tenant', { schemaFile, migrationsDir })).toBe('');
    expect(await createMigration('tenant', 'again', { schemaFile, migrationsDir })).toBeNull();
    expect(
      readMigrations(migrationsDir)
        .map((m) => m.name)
        .at(-1),
    ).toBe('20990102030405_add_setting_note');
    expect(await leftoverShadowDatabases()).toEqual([]);
  });

  it("starts an empty folder with its first migration and Prisma's lock file", async () => {
    const migrationsDir = tmpDir();

    const folder = await createMigration('tenant', 'init', { migrationsDir, now: new Date('2099-01-02T03:04:05Z') });

    expect(folder).toBe(join(migrationsDir, '20990102030405_init'));
    expect(readFileSync(join(folder!, 'migration.sql'), 'utf8')).toContain('CREATE TABLE "settings"');
    expect(readFileSync(join(migrationsDir, 'migration_lock.toml'), 'utf8')).toBe(MIGRATION_LOCK_CONTENT);
  });

  it('refuses a name with nothing usable in it before touching anything', async () => {
    const migrationsDir = tmpDir();
    await expect(createMigration('tenant', '!!!', { migrationsDir })).rejects.toThrow(/not usable as a migration name/);
    expect(existsSync(join(migrationsDir, 'migration_lock.toml'))).toBe(false);
  });
});
