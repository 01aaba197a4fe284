import { type Client, escapeIdentifier, escapeLiteral } from 'pg';
import { mapWithConcurrency } from './concurrency';
import { withDatabase } from './database-url';
import { MigrationError, describeError } from './migration.errors';
import { type SchemaPathOptions, readMigrations, schemaPaths } from './migrations-folder';
import { type ApplyMigrationsResult, type MigrationStatus, migrateTenantDatabase, migrationStatus } from './migrator';
import { withSession } from './pg-session';

/** A tenant whose database should be migrated, as the control database describes it. */
export interface TenantDatabase {
  readonly tenantId: string;
  readonly slug: string;
  readonly status: 'ACTIVE' | 'SUSPENDED';
  readonly databaseName: string;
  readonly databaseRole: string;
  /** Direct URL of the tenant's database: its server's admin_url with the database name replaced. */
  readonly databaseUrl: string;
}

export interface TenantMigrationReport {
  readonly tenantId: string;
  readonly slug: string;
  /** Migrations applied to this tenant by this run (before the error, if any). */
  readonly applied: string[];
  readonly error?: string;
}

/**
 * The admin URL to use for a database server: its `admin_url` by default, or the same URL with
 * credentials from a secrets store (the migrate command passes Vault's when VAULT_ADDR is set).
 */
export type ServerUrlResolver = (server: { readonly name: string; readonly adminUrl: string }) => Promise<string>;

export interface TenantDatabaseOptions {
  readonly serverUrl?: ServerUrlResolver;
}

export interface MigrateAllTenantsOptions extends SchemaPathOptions, TenantDatabaseOptions {
  readonly controlDatabaseUrl: string;
  /** Most tenant databases migrated at once. */
  readonly concurrency: number;
  /** Called as each tenant finishes, successfully or not. */
  readonly onProgress?: (
    report: TenantMigrationReport,
    progress: { readonly done: number; readonly total: number },
  ) => void;
  /** Migrates one tenant database; defaults to {@link migrateTenantDatabase} with the same paths. */
  readonly migrate?: (databaseUrl: string) => Promise<ApplyMigrationsResult>;
  /**
   * The gateway role (TENANT_GATEWAY_ROLE): each ACTIVE tenant's database is granted to it after
   * its migrations, so tenants provisioned before the gateway existed are served through it too.
   */
  readonly gatewayRole?: string;
}

export interface TenantStatusReport {
  readonly tenantId: string;
  readonly slug: string;
  readonly status?: MigrationStatus;
  readonly error?: string;
}

// Tenants on their way out keep their database untouched.
const LIVE_TENANTS_SQL = `
  SELECT t.id, t.slug, t.status, t.database_name, t.database_role, s.name AS server_name, s.admin_url
    FROM tenants t
    JOIN database_servers s ON s.id = t.database_server_id
   WHERE t.status IN ('ACTIVE', 'SUSPENDED')
   ORDER BY t.slug`;

/** Every tenant whose database exists and is kept up to date: ACTIVE or SUSPENDED (provisioning migrates the others itself). */
export async function listTenantDatabases(
  controlDatabaseUrl: string,
  options: TenantDatabaseOptions = {},
): Promise<TenantDatabase[]> {
  return withSession(controlDatabaseUrl, (control) => readTenantDatabases(control, options.serverUrl));
}

/**
 * Brings every tenant database up to date, `concurrency` at a time, and records the last migration
 * of each in `tenants.schema_version`. A failing tenant does not stop the others: its error is in
 * its report.
 */
export async function migrateAllTenants(options: MigrateAllTenantsOptions): Promise<TenantMigrationReport[]> {
  const { controlDatabaseUrl, concurrency, onProgress } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new MigrationError(
      'invalid_migrations',
      `Tenant migration concurrency must be a positive integer, got ${concurrency}`,
    );
  const migrate = options.migrate ?? ((databaseUrl: string) => migrateTenantDatabase(databaseUrl, options));
  const latest = readMigrations(schemaPaths('tenant', options).migrationsDir).at(-1)?.name;

  return withSession(controlDatabaseUrl, async (control) => {
    const tenants = await readTenantDatabases(control, options.serverUrl);
    let done = 0;
    return mapWithConcurrency(tenants, concurrency, async (tenant) => {
      const report = await migrateOneTenant(control, tenant, migrate, latest, options.gatewayRole);
      onProgress?.(report, { done: ++done, total: tenants.length });
      return report;
    });
  });
}

/** {@link migrationStatus} of every live tenant database, `concurrency` at a time. */
export async function tenantsMigrationStatus(
  controlDatabaseUrl: string,
  concurrency: number,
  options: SchemaPathOptions & TenantDatabaseOptions = {},
): Promise<TenantStatusReport[]> {
  const tenants = await listTenantDatabases(controlDatabaseUrl, options);
  return mapWithConcurrency(tenants, concurrency, async ({ tenantId, slug, databaseUrl }) => {
    try {
      return { tenantId, slug, status: await migrationStatus(databaseUrl, 'tenant', options) };
    } catch (error) {
      return { tenantId, slug, error: describeError(error) };
    }
  });
}

async function migrateOneTenant(
  control: Client,
  tenant: TenantDatabase,
  migrate: (databaseUrl: string) => Promise<ApplyMigrationsResult>,
  latest: string | undefined,
  gatewayRole: string | undefined,
): Promise<TenantMigrationReport> {
  const { tenantId, slug } = tenant;
  let applied: string[] = [];
  let error: string | undefined;
  let schemaVersion: string | undefined;
  try {
    applied = (await migrate(tenant.databaseUrl)).applied;
    schemaVersion = latest;
  } catch (failure) {
    applied = failure instanceof MigrationError ? [...failure.applied] : [];
    error = describeError(failure);
    schemaVersion = applied.at(-1);
  }
  // A suspended tenant's database stays closed to the gateway (resuming grants it).
  if (error === undefined && gatewayRole && tenant.status === 'ACTIVE') {
    try {
      await grantGateway(tenant, gatewayRole);
    } catch (failure) {
      error = `granting the database to the gateway role ${gatewayRole} failed: ${describeError(failure)}`;
    }
  }
  if (schemaVersion !== undefined) {
    try {
      await control.query(
        'UPDATE tenants SET schema_version = $1, updated_at = now() WHERE id = $2 AND schema_version IS DISTINCT FROM $1',
        [schemaVersion, tenantId],
      );
    } catch (failure) {
      error = [error, `recording schema_version ${schemaVersion} failed: ${describeError(failure)}`]
        .filter(Boolean)
        .join('; ');
    }
  }
  return error === undefined ? { tenantId, slug, applied } : { tenantId, slug, applied, error };
}

/** As TenantDatabaseAdmin.grantGateway does at provisioning (idempotent), on the tenant database's admin session. */
async function grantGateway(tenant: TenantDatabase, gatewayRole: string): Promise<void> {
  await withSession(tenant.databaseUrl, async (db) => {
    const [name, role, gateway] = [
      escapeIdentifier(tenant.databaseName),
      escapeIdentifier(tenant.databaseRole),
      escapeIdentifier(gatewayRole),
    ];
    await db.query(
      `GRANT ${role} TO ${gateway}; GRANT CONNECT ON DATABASE ${name} TO ${gateway}; ALTER ROLE ${gateway} IN DATABASE ${name} SET role = ${escapeLiteral(tenant.databaseRole)}`,
    );
  });
}

async function readTenantDatabases(control: Client, serverUrl?: ServerUrlResolver): Promise<TenantDatabase[]> {
  const { rows } = await control.query<{
    id: string;
    slug: string;
    status: 'ACTIVE' | 'SUSPENDED';
    database_name: string;
    database_role: string;
    server_name: string;
    admin_url: string;
  }>(LIVE_TENANTS_SQL);
  const urls = new Map<string, Promise<string>>();
  const urlOf = (row: (typeof rows)[number]) => {
    if (!serverUrl) return Promise.resolve(row.admin_url);
    if (!urls.has(row.server_name))
      urls.set(row.server_name, serverUrl({ name: row.server_name, adminUrl: row.admin_url }));
    return urls.get(row.server_name)!;
  };
  return Promise.all(
    rows.map(async (row) => ({
      tenantId: row.id,
      slug: row.slug,
      status: row.status,
      databaseName: row.database_name,
      databaseRole: row.database_role,
      databaseUrl: withDatabase(await urlOf(row), row.database_name),
    })),
  );
}
