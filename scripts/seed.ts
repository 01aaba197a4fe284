// Demo data for development: the local database server, the tenant "acme" with its own database
// and PostgreSQL role, and an owner who can log in. Idempotent: a second run changes nothing
// (and repairs what is missing). Run as `pnpm run seed`; refused in production.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import bcrypt from 'bcrypt';
import { Client } from 'pg';
import { type AppConfig, ConfigError, loadConfig, loadDotEnv } from '@helpdeskly/config';
import { migrateTenantDatabase, withDatabase } from '@helpdeskly/migrations';
import { SecretBox, SecretBoxError } from '../libs/database/src/crypto/secret-box';
import { PrismaClient } from '../libs/database/src/generated/control/client';

const SERVER_NAME = 'primary';
const TENANT = { slug: 'acme', name: 'Acme Support' };
const DEMO_USER = { email: 'demo@helpdeskly.local', name: 'Demo Owner', password: 'Demo-Password-2026!' };
// Role that PgBouncer's auth_query logs in as (scripts/infra.sh); it must reach every tenant database.
const PGBOUNCER_AUTH_ROLE = 'pgbouncer_auth';

/** Database and role names of a tenant: one of each per tenant, derived from its slug. */
function tenantIdentifiers(slug: string): { databaseName: string; roleName: string } {
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(slug)) throw new Error(`Tenant slug "${slug}" cannot name a database`);
  const name = `helpdeskly_t_${slug}`;
  return { databaseName: name, roleName: name };
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802, 4096 iterations). Sending
 * it instead of the password keeps the plaintext out of the server's statement and error logs.
 * SASLprep is the identity for the ASCII passwords generated here.
 */
function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, 4096, 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$4096:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** Runs a statement built by PostgreSQL's format() from bound arguments: %I quotes identifiers, %L literals. */
async function execFormat(client: Client, template: string, ...args: string[]): Promise<void> {
  const { rows } = await client.query<{ sql: string }>('SELECT format($1, VARIADIC $2::text[]) AS sql', [template, args]);
  await client.query(rows[0].sql);
}

async function exists(client: Client, sql: string, value: string): Promise<boolean> {
  return (await client.query(sql, [value])).rowCount! > 0;
}

async function withClient<T>(connectionString: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString, application_name: 'helpdeskly-seed' });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * The tenant's role (with this password) and its database. The admin role owns the database and
 * everything in it (as owner of the database the tenant role would own its `public` schema and
 * could drop any table); the tenant role, app-api's login, gets CONNECT and DML only. Other roles
 * cannot connect, except PgBouncer's lookup role.
 */
async function ensureTenantDatabase(adminUrl: string, roleName: string, databaseName: string, password: string): Promise<void> {
  await withClient(adminUrl, async (admin) => {
    const roleExists = await exists(admin, 'SELECT 1 FROM pg_roles WHERE rolname = $1', roleName);
    await execFormat(admin, roleExists ? 'ALTER ROLE %I WITH LOGIN PASSWORD %L' : 'CREATE ROLE %I WITH LOGIN PASSWORD %L', roleName, scramVerifier(password));
    if (!(await exists(admin, 'SELECT 1 FROM pg_database WHERE datname = $1', databaseName))) {
      await execFormat(admin, 'CREATE DATABASE %I', databaseName);
    }
    await execFormat(admin, 'ALTER DATABASE %I OWNER TO CURRENT_USER', databaseName);
    await execFormat(admin, 'REVOKE ALL ON DATABASE %I FROM PUBLIC', databaseName);
    await execFormat(admin, 'GRANT CONNECT ON DATABASE %I TO %I', databaseName, roleName);
    if (await exists(admin, 'SELECT 1 FROM pg_roles WHERE rolname = $1', PGBOUNCER_AUTH_ROLE)) {
      await execFormat(admin, 'GRANT CONNECT ON DATABASE %I TO %I', databaseName, PGBOUNCER_AUTH_ROLE);
    }
  });
  await withClient(withDatabase(adminUrl, databaseName), async (tenantDb) => {
    // Before migrating, so tables of this and later migrations are granted as they are created.
    await execFormat(tenantDb, 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', roleName);
    await execFormat(tenantDb, 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', roleName);
  });
  await migrateTenantDatabase(withDatabase(adminUrl, databaseName));
  await withClient(withDatabase(adminUrl, databaseName), async (tenantDb) => {
    await execFormat(tenantDb, 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', roleName);
    await execFormat(tenantDb, 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', roleName);
    await execFormat(tenantDb, 'REVOKE ALL ON TABLE public._prisma_migrations FROM %I', roleName);
  });
}

/**
 * The tenant's database password: the stored one when it opens with today's keys (re-sealed if an
 * older key sealed it), else a new one, e.g. after DB_ENCRYPTION_KEY changed in development.
 */
function tenantPassword(box: SecretBox, stored: string | undefined): { password: string; sealed: string } {
  if (stored) {
    try {
      const password = box.open(stored);
      return { password, sealed: box.needsResealing(stored) ? box.seal(password) : stored };
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      console.warn(`The stored database password of tenant "${TENANT.slug}" does not open (${error.message}); setting a new one.`);
    }
  }
  const password = randomBytes(24).toString('base64url');
  return { password, sealed: box.seal(password) };
}

async function seed(config: AppConfig): Promise<void> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: config.database.controlUrl, application_name: 'helpdeskly-seed' }) });
  const box = SecretBox.fromKey(config.auth.dbEncryptionKey);
  const adminUrl = config.database.tenantServerUrl;
  const { databaseName, roleName } = tenantIdentifiers(TENANT.slug);
  try {
    const server = await prisma.databaseServer.upsert({
      where: { name: SERVER_NAME },
      create: { name: SERVER_NAME, adminUrl, pgbouncerHost: config.database.pgbouncer.host, pgbouncerPort: config.database.pgbouncer.port },
      update: { adminUrl, pgbouncerHost: config.database.pgbouncer.host, pgbouncerPort: config.database.pgbouncer.port, active: true },
    });

    const existing = await prisma.tenant.findUnique({ where: { slug: TENANT.slug } });
    const { password, sealed } = tenantPassword(box, existing?.databasePasswordEnc);
    await ensureTenantDatabase(adminUrl, roleName, databaseName, password);
    const schemaVersion = await latestTenantMigration(withDatabase(adminUrl, databaseName));
    const fields = { name: TENANT.name, status: 'ACTIVE', databaseServerId: server.id, databaseName, databaseRole: roleName, databasePasswordEnc: sealed, schemaVersion } as const;
    const tenant = await prisma.tenant.upsert({ where: { slug: TENANT.slug }, create: { slug: TENANT.slug, ...fields }, update: fields });

    const email = DEMO_USER.email.toLowerCase();
    const user = await prisma.user.findUnique({ where: { email } });
    if (!user || !(await bcrypt.compare(DEMO_USER.password, user.passwordHash))) {
      const passwordHash = await bcrypt.hash(DEMO_USER.password, config.auth.bcryptRounds);
      await prisma.user.upsert({ where: { email }, create: { email, name: DEMO_USER.name, passwordHash }, update: { passwordHash } });
    }
    const owner = await prisma.user.findUniqueOrThrow({ where: { email } });
    await prisma.membership.upsert({
      where: { userId_tenantId: { userId: owner.id, tenantId: tenant.id } },
      create: { userId: owner.id, tenantId: tenant.id, role: 'OWNER' },
      update: { role: 'OWNER' },
    });

    console.log(`Seeded tenant "${TENANT.slug}" (database ${databaseName}, role ${roleName}) and its owner ${email} / ${DEMO_USER.password}`);
  } finally {
    await prisma.$disconnect();
  }
}

async function latestTenantMigration(databaseUrl: string): Promise<string | null> {
  return withClient(databaseUrl, async (db) => {
    const { rows } = await db.query<{ name: string }>(
      'SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name DESC LIMIT 1',
    );
    return rows[0]?.name ?? null;
  });
}

async function main(): Promise<number> {
  loadDotEnv();
  if (process.env.NODE_ENV === 'production') {
    console.error('The demo seed is for development only; refusing to run with NODE_ENV=production.');
    return 1;
  }
  await seed(loadConfig());
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
