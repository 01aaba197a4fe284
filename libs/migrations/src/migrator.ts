import { existsSync, readFileSync } from 'node:fs';
import type { SchemaFilter } from '@prisma/schema-engine-wasm';
import { DEFAULT_ADMIN_URL, databaseNameOf } from './database-url';
import { MigrationError, describeError } from './migration.errors';
import {
  type SchemaName,
  type SchemaPathOptions,
  migrationFolderName,
  readMigrations,
  schemaPaths,
  toMigrationList,
  writeMigration,
} from './migrations-folder';
import { appliedNames, failedNames, readMigrationRows } from './migrations-table';
import { withSession } from './pg-session';
import { withSchemaEngine } from './schema-engine.session';
import { withShadowDatabase } from './shadow-database';

export interface ShadowDatabaseOptions extends SchemaPathOptions {
  /**
   * Server on which a temporary shadow database is created (and dropped) to replay the migrations;
   * its role needs CREATEDB. Defaults to DATABASE_URL, else the local PostgreSQL.
   */
  readonly shadowServerUrl?: string;
}

export interface CreateMigrationOptions extends ShadowDatabaseOptions {
  /** Time used for the folder's timestamp; defaults to now. */
  readonly now?: Date;
}

export interface ApplyMigrationsResult {
  /** Migrations applied by this call, in order; empty when the database was up to date. */
  readonly applied: string[];
}

export interface MigrationStatus {
  /** Applied (and not rolled back), in the order they ran. */
  readonly applied: string[];
  /** In the folder and neither applied nor failed, in the order they will run. */
  readonly pending: string[];
  /** Started and never finished; they block deploys until resolved. */
  readonly failed: string[];
}

export type FailedMigrationResolution = 'rolled-back' | 'applied';

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Writes the next migration of `schema`: the SQL that takes a database from its migrations to its
 * schema file, in `<yyyymmddHHMMSS>_<name>/migration.sql`. Returns the folder, or null when the
 * migrations already match the schema.
 */
export async function createMigration(
  schema: SchemaName,
  name: string,
  options: CreateMigrationOptions = {},
): Promise<string | null> {
  const folderName = migrationFolderName(name, options.now);
  const sql = await diffSchemaAgainstMigrations(schema, options);
  if (!sql) return null;
  return writeMigration(schemaPaths(schema, options).migrationsDir, folderName, sql);
}

/** The SQL the migrations of `schema` still lack to match its schema file; '' when they match. */
export async function diffSchemaAgainstMigrations(
  schema: SchemaName,
  options: ShadowDatabaseOptions = {},
): Promise<string> {
  const paths = schemaPaths(schema, options);
  const schemaFile = readSchemaFile(paths.schemaFile);
  const migrationsList = toMigrationList(paths.migrationsDir, readMigrations(paths.migrationsDir));
  const adminUrl = options.shadowServerUrl ?? (process.env.DATABASE_URL || DEFAULT_ADMIN_URL);
  try {
    return await withShadowDatabase(adminUrl, (shadowUrl) =>
      withSchemaEngine({ databaseUrl: shadowUrl, shadowDatabaseUrl: shadowUrl, schema: schemaFile }, async (engine) => {
        const result = await engine.diff({
          from: { tag: 'migrations', ...migrationsList },
          to: { tag: 'schemaDatamodel', files: [schemaFile] },
          script: true,
          exitCode: true,
          filters: NO_FILTERS,
        });
        // With exitCode set, the engine answers 2 when the diff is not empty.
        return result.exitCode === 2 ? (result.stdout ?? '') : '';
      }),
    );
  } catch (error) {
    throw asMigrationError(error, `Comparing the ${schema} migrations with ${paths.schemaFile} failed`);
  }
}

/**
 * Applies the pending migrations of `schema` to a database, recording them in `_prisma_migrations`
 * exactly as `prisma migrate deploy` does. A failing migration stays recorded as failed and this
 * throws a {@link MigrationError} naming it; later calls refuse to go on until it is resolved.
 */
export async function applyMigrations(
  databaseUrl: string,
  schema: SchemaName,
  options: SchemaPathOptions = {},
): Promise<ApplyMigrationsResult> {
  const paths = schemaPaths(schema, options);
  const schemaFile = readSchemaFile(paths.schemaFile);
  const migrations = readMigrations(paths.migrationsDir);
  const database = databaseNameOf(databaseUrl);

  // The engine takes Prisma's advisory lock (72707369) itself while it applies.
  return withSession(databaseUrl, async (session) => {
    const before = await readMigrationRows(session);
    const blocking = failedNames(before);
    if (blocking.length > 0) throw blockedByFailedMigration(database, blocking);

    let lastScriptError: { message: string } | undefined;
    try {
      const { appliedMigrationNames } = await withSchemaEngine(
        { databaseUrl, schema: schemaFile },
        async (engine, adapters) => {
          try {
            return await engine.applyMigrations({
              migrationsList: toMigrationList(paths.migrationsDir, migrations),
              filters: NO_FILTERS,
            });
          } finally {
            lastScriptError = adapters.lastScriptError;
          }
        },
      );
      return { applied: appliedMigrationNames };
    } catch (error) {
      if (error instanceof MigrationError) throw error;
      const after = await readMigrationRows(session);
      const alreadyApplied = appliedNames(before);
      const applied = migrations
        .map((m) => m.name)
        .filter((name) => appliedNames(after).has(name) && !alreadyApplied.has(name));
      const failed = failedNames(after).at(-1);
      if (failed === undefined)
        throw asMigrationError(error, `Applying the ${schema} migrations to database ${database} failed`, applied);
      throw new MigrationError(
        'migration_failed',
        `Migration ${failed} failed on database ${database}: ${lastScriptError?.message ?? describeError(error)}. ` +
          `It is recorded as failed in _prisma_migrations and blocks later migrations until resolved.`,
        { migrationName: failed, applied, cause: error },
      );
    }
  });
}

/** Applies the tenant migrations to one tenant database (provisioning and `migrate tenants`). */
export function migrateTenantDatabase(
  databaseUrl: string,
  options: SchemaPathOptions = {},
): Promise<ApplyMigrationsResult> {
  return applyMigrations(databaseUrl, 'tenant', options);
}

/** Which migrations of `schema` a database has applied, still lacks, or failed. */
export async function migrationStatus(
  databaseUrl: string,
  schema: SchemaName,
  options: SchemaPathOptions = {},
): Promise<MigrationStatus> {
  const local = readMigrations(schemaPaths(schema, options).migrationsDir).map((m) => m.name);
  const rows = await withSession(databaseUrl, readMigrationRows);
  const applied = appliedNames(rows);
  const failed = failedNames(rows).filter((name) => !applied.has(name));
  return {
    applied: [...applied],
    pending: local.filter((name) => !applied.has(name) && !failed.includes(name)),
    failed,
  };
}

/**
 * Marks a failed migration as resolved, like `prisma migrate resolve`: `rolled-back` once the
 * database is repaired so the migration runs again on the next deploy, `applied` when its changes
 * were completed by hand.
 */
export async function resolveFailedMigration(
  databaseUrl: string,
  schema: SchemaName,
  migrationName: string,
  resolution: FailedMigrationResolution,
  options: SchemaPathOptions = {},
): Promise<void> {
  const paths = schemaPaths(schema, options);
  const schemaFile = readSchemaFile(paths.schemaFile);
  const database = databaseNameOf(databaseUrl);
  await withSession(databaseUrl, async (session) => {
    if (!failedNames(await readMigrationRows(session)).includes(migrationName)) {
      throw new MigrationError(
        'invalid_migrations',
        `Migration ${migrationName} is not failed on database ${database}; nothing to resolve`,
        { migrationName },
      );
    }
    try {
      await withSchemaEngine({ databaseUrl, schema: schemaFile }, async (engine) => {
        if (resolution === 'rolled-back') await engine.markMigrationRolledBack({ migrationName });
        else
          await engine.markMigrationApplied({
            migrationName,
            migrationsList: toMigrationList(paths.migrationsDir, readMigrations(paths.migrationsDir)),
          });
      });
    } catch (error) {
      throw asMigrationError(error, `Marking ${migrationName} as ${resolution} on database ${database} failed`);
    }
  });
}

function readSchemaFile(path: string): { path: string; content: string } {
  if (!existsSync(path)) throw new MigrationError('invalid_migrations', `Schema file ${path} does not exist`);
  return { path, content: readFileSync(path, 'utf8') };
}

function blockedByFailedMigration(database: string, failed: readonly string[]): MigrationError {
  const name = failed[0];
  return new MigrationError(
    'failed_migration_blocks',
    `Migration ${failed.join(', ')} failed earlier on database ${database}; no new migration is applied until it is resolved (Prisma P3009). ` +
      `Repair the database by hand, then run \`pnpm run migrate -- resolve rolled-back ${name}\` to run it again, ` +
      `or \`pnpm run migrate -- resolve applied ${name}\` if you completed it by hand (add \`--tenant <slug>\` for a tenant database).`,
    { migrationName: name },
  );
}

function asMigrationError(error: unknown, context: string, applied: readonly string[] = []): MigrationError {
  if (error instanceof MigrationError) return error;
  return new MigrationError('engine_error', `${context}: ${describeError(error)}`, { applied, cause: error });
}
