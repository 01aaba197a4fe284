export { mapWithConcurrency } from './concurrency';
export { DEFAULT_ADMIN_URL, databaseNameOf, withDatabase } from './database-url';
export {
  MIGRATION_ERROR_CODES,
  MigrationError,
  describeError,
  type MigrationErrorCode,
  type MigrationErrorDetails,
} from './migration.errors';
export {
  MIGRATION_LOCK_CONTENT,
  MIGRATION_LOCK_FILE,
  SCHEMA_NAMES,
  isSchemaName,
  migrationFolderName,
  readMigrations,
  schemaPaths,
  type LocalMigration,
  type SchemaName,
  type SchemaPathOptions,
  type SchemaPaths,
} from './migrations-folder';
export {
  applyMigrations,
  createMigration,
  diffSchemaAgainstMigrations,
  migrateTenantDatabase,
  migrationStatus,
  resolveFailedMigration,
  type ApplyMigrationsResult,
  type CreateMigrationOptions,
  type FailedMigrationResolution,
  type MigrationStatus,
  type ShadowDatabaseOptions,
} from './migrator';
export { loadSchemaEngineWasm, type SchemaEngineWasm } from './schema-engine.loader';
export { SHADOW_DATABASE_PREFIX } from './shadow-database';
export {
  listTenantDatabases,
  migrateAllTenants,
  tenantsMigrationStatus,
  type MigrateAllTenantsOptions,
  type ServerUrlResolver,
  type TenantDatabase,
  type TenantDatabaseOptions,
  type TenantMigrationReport,
  type TenantStatusReport,
} from './tenant-migrations';
