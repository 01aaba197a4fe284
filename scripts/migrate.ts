// Migrations of the control database and of every tenant database, on Prisma's WebAssembly schema
// engine (libs/migrations). Run as `pnpm run migrate -- <command>`; see USAGE.
import { DEFAULT_TENANT_GATEWAY_ROLE, loadConfig, loadDotEnv } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { CircuitBreakerRegistry, OutboundHttp } from '@helpdeskly/resilience';
import { VaultSecrets } from '@helpdeskly/secrets';
import {
  type FailedMigrationResolution,
  type MigrationStatus,
  SCHEMA_NAMES,
  applyMigrations,
  createMigration,
  databaseNameOf,
  describeError,
  diffSchemaAgainstMigrations,
  isSchemaName,
  listTenantDatabases,
  migrateAllTenants,
  migrationStatus,
  resolveFailedMigration,
  type ServerUrlResolver,
  tenantsMigrationStatus,
} from '@helpdeskly/migrations';

const USAGE = `Usage: pnpm run migrate -- <command>

  create <control|tenant> <name>  write the next migration of a schema from its schema file
  deploy                          apply pending control migrations to CONTROL_DATABASE_URL
  tenants                         bring every tenant database up to date and grant each ACTIVE
                                  one to the gateway role (TENANT_GATEWAY_ROLE)
                                  (TENANT_MIGRATION_CONCURRENCY at a time, default 4; with
                                  VAULT_ADDR set, each server's credentials come from Vault)
  status [control]                applied, pending and failed migrations of the control database
                                  and, unless "control" is given, of every tenant database
  drift                           check that both schema files match their migrations
  resolve <rolled-back|applied> <migration> [--tenant <slug>]
                                  mark a failed migration of the control database (or of a
                                  tenant's) as rolled back (it runs again) or as applied by hand

Exit codes: 0 success; 1 failure, drift, or (status) anything pending or failed; 2 bad usage.`;

const DEFAULT_TENANT_CONCURRENCY = 4;

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  loadDotEnv();
  const [command, ...args] = argv[0] === '--' ? argv.slice(1) : argv;
  switch (command) {
    case 'create':
      return create(args);
    case 'deploy':
      return deploy(args);
    case 'tenants':
      return tenants(args);
    case 'status':
      return status(args);
    case 'drift':
      return drift(args);
    case 'resolve':
      return resolve(args);
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function create(args: readonly string[]): Promise<number> {
  const [schema, name, ...rest] = args;
  if (!isSchemaName(schema) || !name || rest.length > 0)
    throw new UsageError(`create takes a schema (${SCHEMA_NAMES.join('|')}) and a name`);
  const folder = await createMigration(schema, name, { shadowServerUrl: shadowServerUrl() });
  console.log(folder ?? 'No changes');
  return 0;
}

async function deploy(args: readonly string[]): Promise<number> {
  noArguments('deploy', args);
  const url = requireEnv('CONTROL_DATABASE_URL');
  const { applied } = await applyMigrations(url, 'control');
  console.log(
    applied.length === 0
      ? `${databaseNameOf(url)}: up to date`
      : `${databaseNameOf(url)}: applied ${applied.join(', ')}`,
  );
  return 0;
}

async function tenants(args: readonly string[]): Promise<number> {
  noArguments('tenants', args);
  const reports = await migrateAllTenants({
    controlDatabaseUrl: requireEnv('CONTROL_DATABASE_URL'),
    concurrency: tenantConcurrency(),
    serverUrl: await vaultServerUrl(),
    gatewayRole: process.env.TENANT_GATEWAY_ROLE || DEFAULT_TENANT_GATEWAY_ROLE,
    onProgress: (report, { done, total }) => {
      const outcome = report.error
        ? `FAILED: ${report.error}`
        : report.applied.length === 0
          ? 'up to date'
          : `applied ${report.applied.join(', ')}`;
      console.log(`[${done}/${total}] ${report.slug}: ${outcome}`);
    },
  });
  const failed = reports.filter((report) => report.error !== undefined).length;
  console.log(`${reports.length} tenant database(s), ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

async function status(args: readonly string[]): Promise<number> {
  const [scope, ...rest] = args;
  if ((scope !== undefined && scope !== 'control') || rest.length > 0)
    throw new UsageError('status takes nothing or "control"');
  const controlUrl = requireEnv('CONTROL_DATABASE_URL');
  let upToDate = printStatus(`control (${databaseNameOf(controlUrl)})`, await migrationStatus(controlUrl, 'control'));
  if (scope === 'control') return upToDate ? 0 : 1;

  for (const report of await tenantsMigrationStatus(controlUrl, tenantConcurrency(), {
    serverUrl: await vaultServerUrl(),
  })) {
    if (report.status) upToDate = printStatus(`tenant ${report.slug}`, report.status) && upToDate;
    else {
      console.log(`tenant ${report.slug}: ERROR ${report.error}`);
      upToDate = false;
    }
  }
  return upToDate ? 0 : 1;
}

async function drift(args: readonly string[]): Promise<number> {
  noArguments('drift', args);
  let clean = true;
  for (const schema of SCHEMA_NAMES) {
    const missing = await diffSchemaAgainstMigrations(schema, { shadowServerUrl: shadowServerUrl() });
    if (!missing) {
      console.log(`${schema}: migrations match the schema`);
      continue;
    }
    clean = false;
    console.log(
      `${schema}: the schema has changes no migration carries; run \`pnpm run migrate -- create ${schema} <name>\`. Missing SQL:\n${missing}`,
    );
  }
  return clean ? 0 : 1;
}

async function resolve(args: readonly string[]): Promise<number> {
  const [resolution, migrationName, ...rest] = args;
  if ((resolution !== 'rolled-back' && resolution !== 'applied') || !migrationName)
    throw new UsageError('resolve takes rolled-back|applied and a migration name');
  const tenantSlug = rest[0] === '--tenant' && rest.length === 2 ? rest[1] : undefined;
  if (rest.length > 0 && tenantSlug === undefined)
    throw new UsageError('resolve takes only "--tenant <slug>" after the migration name');

  const controlUrl = requireEnv('CONTROL_DATABASE_URL');
  const target =
    tenantSlug === undefined
      ? { url: controlUrl, schema: 'control' as const }
      : { url: await tenantDatabaseUrl(controlUrl, tenantSlug), schema: 'tenant' as const };
  await resolveFailedMigration(
    target.url,
    target.schema,
    migrationName,
    resolution satisfies FailedMigrationResolution,
  );
  console.log(`${databaseNameOf(target.url)}: ${migrationName} marked ${resolution}`);
  return 0;
}

function printStatus(label: string, { applied, pending, failed }: MigrationStatus): boolean {
  const parts = [
    `${applied.length} applied`,
    `${pending.length} pending${pending.length ? ` (${pending.join(', ')})` : ''}`,
  ];
  if (failed.length > 0) parts.push(`FAILED: ${failed.join(', ')}`);
  console.log(`${label}: ${parts.join(', ')}`);
  return pending.length === 0 && failed.length === 0;
}

async function tenantDatabaseUrl(controlUrl: string, slug: string): Promise<string> {
  const tenant = (await listTenantDatabases(controlUrl, { serverUrl: await vaultServerUrl() })).find(
    (candidate) => candidate.slug === slug,
  );
  if (!tenant) throw new Error(`No live tenant with slug "${slug}"`);
  return tenant.databaseUrl;
}

/**
 * With VAULT_ADDR set, database servers' credentials come from Vault as the APIs read them
 * (database-servers/<name>; @helpdeskly/secrets), so a server whose password lives only there
 * is migrated too. Unset: each server's admin_url as stored.
 */
async function vaultServerUrl(): Promise<ServerUrlResolver | undefined> {
  if (!process.env.VAULT_ADDR) return undefined;
  const config = loadConfig();
  const metrics = new MetricsRegistry();
  const breakers = new CircuitBreakerRegistry(config, metrics);
  const secrets = await VaultSecrets.start(config, new OutboundHttp(breakers), metrics);
  return async (server) => secrets.databaseServerUrl(server);
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (in the environment or .env)`);
  return value;
}

/** The temporary shadow databases go to the tenant server, else the control database's server. */
function shadowServerUrl(): string | undefined {
  return process.env.DATABASE_URL || process.env.CONTROL_DATABASE_URL || undefined;
}

function tenantConcurrency(): number {
  const raw = process.env.TENANT_MIGRATION_CONCURRENCY;
  if (!raw) return DEFAULT_TENANT_CONCURRENCY;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`TENANT_MIGRATION_CONCURRENCY must be a positive integer, got "${raw}"`);
  return value;
}

function noArguments(command: string, args: readonly string[]): void {
  if (args.length > 0) throw new UsageError(`${command} takes no arguments`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(
      error instanceof UsageError
        ? `migrate: ${error.message}\n\n${USAGE}`
        : `migrate: ${describeError(error).replace(/\s*\n\s*/g, ' ')}`,
    );
    if (process.env.DEBUG && !(error instanceof UsageError)) console.error(error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
