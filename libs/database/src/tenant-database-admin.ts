import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Client, escapeIdentifier as ident, escapeLiteral as literal } from 'pg';

/** Role that PgBouncer's auth_query logs in as (scripts/infra.sh); it must reach every tenant database. */
export const PGBOUNCER_AUTH_ROLE = 'pgbouncer_auth';

const MIGRATIONS_TABLE = '_prisma_migrations';
// SQLSTATE of "source database is being accessed by other users" (CREATE DATABASE ... TEMPLATE).
const OBJECT_IN_USE = '55006';

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802, 4096 iterations). Sending
 * it instead of the password keeps the plaintext out of the server's statement and error logs.
 * SASLprep is the identity for the ASCII passwords generated here.
 */
export function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, 4096, 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$4096:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** What a server can give: its max_connections, the slots only superusers may take, and one role's CONNECTION LIMIT (-1: none). */
export interface ConnectionLimits {
  readonly maxConnections: number;
  readonly superuserReserved: number;
  /** Null when the role does not exist. */
  readonly roleLimit: number | null;
}

/** True when `error` is PostgreSQL's refusal to clone a template another session is connected to. */
export function isTemplateInUse(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === OBJECT_IN_USE;
}

/** `url` pointing at database `databaseName` instead, keeping credentials, host and parameters. */
function urlOfDatabase(url: string, databaseName: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(databaseName)}`;
  return parsed.toString();
}

/**
 * One administrative session on a PostgreSQL server that hosts tenant databases: roles, databases
 * and the tenant privilege model, as idempotent steps. It must be a DIRECT connection (never through
 * PgBouncer): CREATE DATABASE cannot run in a transaction block and the locks here are session-level.
 * Identifiers and literals are quoted client-side with pg's escapeIdentifier / escapeLiteral.
 *
 * Privilege model: the admin role owns each tenant database and everything in it (as owner of the
 * database the tenant role would own its `public` schema and could drop any table); the tenant role
 * gets CONNECT and DML only, nothing on `_prisma_migrations`. PUBLIC cannot connect; PgBouncer's
 * lookup role can.
 */
export class TenantDatabaseAdmin {
  private constructor(
    private readonly client: Client,
    private readonly adminUrl: string,
  ) {}

  /** Opens a session on `adminUrl`; `close()` it when done. */
  static async connect(adminUrl: string, applicationName = 'helpdeskly-provisioning'): Promise<TenantDatabaseAdmin> {
    const client = new Client({
      connectionString: adminUrl,
      application_name: applicationName,
      connectionTimeoutMillis: 5_000,
    });
    await client.connect();
    // An error on an idle session must not crash the process; the next query reports it.
    client.on('error', () => undefined);
    return new TenantDatabaseAdmin(client, adminUrl);
  }

  /** Runs `run` on a fresh session and closes it, whatever happens. */
  static async use<T>(
    adminUrl: string,
    run: (admin: TenantDatabaseAdmin) => Promise<T>,
    applicationName?: string,
  ): Promise<T> {
    const admin = await TenantDatabaseAdmin.connect(adminUrl, applicationName);
    try {
      return await run(admin);
    } finally {
      await admin.close();
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }

  /** Direct URL of `databaseName` on this server, with the admin credentials. */
  databaseUrl(databaseName: string): string {
    return urlOfDatabase(this.adminUrl, databaseName);
  }

  /** Whether this session's role may create tenant roles and databases (superuser, or CREATEROLE and CREATEDB). */
  async canProvision(): Promise<boolean> {
    const { rows } = await this.client.query<{ ok: boolean }>(
      'SELECT rolsuper OR (rolcreaterole AND rolcreatedb) AS ok FROM pg_roles WHERE rolname = current_user',
    );
    return rows[0]?.ok === true;
  }

  /** Ends the sessions `role` holds on `databaseName` (e.g. of a suspended tenant, pooled by PgBouncer). */
  async terminateSessions(databaseName: string, role: string): Promise<void> {
    await this.client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND usename = $2',
      [databaseName, role],
    );
  }

  async roleExists(role: string): Promise<boolean> {
    return (await this.client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount! > 0;
  }

  async databaseExists(databaseName: string): Promise<boolean> {
    return (await this.client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName])).rowCount! > 0;
  }

  /** Creates the login role with this password, or sets the password when the role exists. Returns whether it created it. */
  async ensureRole(role: string, password: string): Promise<boolean> {
    const verifier = literal(scramVerifier(password));
    if (await this.roleExists(role)) {
      await this.client.query(`ALTER ROLE ${ident(role)} WITH LOGIN PASSWORD ${verifier}`);
      return false;
    }
    try {
      await this.client.query(`CREATE ROLE ${ident(role)} WITH LOGIN PASSWORD ${verifier}`);
      return true;
    } catch (error) {
      // Created by a concurrent session between the check and the statement: same outcome.
      if ((error as { code?: string }).code === '42710') return false;
      throw error;
    }
  }

  /**
   * Creates an empty database (from template0, which nobody can connect to, so this never waits on
   * another session), or a clone of `template`. Returns whether it created it (false: it existed).
   * A clone fails with SQLSTATE 55006 ({@link isTemplateInUse}) when another session is connected
   * to the template.
   */
  async createDatabase(databaseName: string, options: { template?: string } = {}): Promise<boolean> {
    if (await this.databaseExists(databaseName)) return false;
    // WAL_LOG (PG 15's default) copies block by block through the WAL: no checkpoint, ~50 ms.
    const source = options.template ? `TEMPLATE ${ident(options.template)} STRATEGY WAL_LOG` : 'TEMPLATE template0';
    try {
      await this.client.query(`CREATE DATABASE ${ident(databaseName)} ${source}`);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '42P04') return false;
      throw error;
    }
  }

  /** Drops the database, closing every session connected to it (WITH (FORCE)); no-op when absent. */
  async dropDatabase(databaseName: string): Promise<void> {
    await this.client.query(`DROP DATABASE IF EXISTS ${ident(databaseName)} WITH (FORCE)`);
  }

  /** Drops the role; no-op when absent. Drop its database first: privileges granted there depend on it. */
  async dropRole(role: string): Promise<void> {
    await this.client.query(`DROP ROLE IF EXISTS ${ident(role)}`);
  }

  /** Closes the database to PUBLIC; the admin role owns it. Run right after creating a database. */
  async closeDatabaseToPublic(databaseName: string): Promise<void> {
    await this.client.query(`ALTER DATABASE ${ident(databaseName)} OWNER TO CURRENT_USER`);
    await this.client.query(`REVOKE ALL ON DATABASE ${ident(databaseName)} FROM PUBLIC`);
  }

  /**
   * Lets the gateway role serve the tenant: a member of the tenant's role (NOINHERIT, so it holds
   * nothing itself), allowed to connect, and switched to the tenant's role by the database at every
   * login. A query on this database through the gateway then runs as the tenant; the gateway on
   * another database runs as that database's tenant, whose role has no privilege here. One round trip.
   */
  async grantGateway(databaseName: string, tenantRole: string, gatewayRole: string): Promise<void> {
    const [db, tenant, gateway] = [ident(databaseName), ident(tenantRole), ident(gatewayRole)];
    await this.client.query(
      `GRANT ${tenant} TO ${gateway}; GRANT CONNECT ON DATABASE ${db} TO ${gateway}; ALTER ROLE ${gateway} IN DATABASE ${db} SET role = ${literal(tenantRole)}`,
    );
  }

  /** The server's connection limits and `role`'s, in one query (any role may read them). */
  async connectionLimits(role: string): Promise<ConnectionLimits> {
    const { rows } = await this.client.query<{ max: number; reserved: number; role_limit: number | null }>(
      `SELECT current_setting('max_connections')::int AS max, current_setting('superuser_reserved_connections')::int AS reserved, (SELECT rolconnlimit FROM pg_roles WHERE rolname = $1) AS role_limit`,
      [role],
    );
    return { maxConnections: rows[0].max, superuserReserved: rows[0].reserved, roleLimit: rows[0].role_limit };
  }

  async grantConnect(databaseName: string, role: string): Promise<void> {
    await this.client.query(`GRANT CONNECT ON DATABASE ${ident(databaseName)} TO ${ident(role)}`);
  }

  async revokeConnect(databaseName: string, role: string): Promise<void> {
    await this.client.query(`REVOKE CONNECT ON DATABASE ${ident(databaseName)} FROM ${ident(role)}`);
  }

  /**
   * The whole privilege model on a tenant database whose tables exist: database ACL (closed to
   * PUBLIC, CONNECT for the tenant's role, PgBouncer's lookup role and the gateway), the gateway's
   * membership and per-database role ({@link grantGateway}), then, inside the database, DML on the
   * tables and sequences of today and (default privileges, which are per-database and so must be
   * set again in a clone) of later migrations, nothing on `_prisma_migrations`. Each part is one
   * multi-statement round trip, so one transaction and one WAL flush. Idempotent. Returns the last
   * migration the database records as applied.
   */
  async applyTenantPrivileges(
    databaseName: string,
    role: string,
    gatewayRole?: string,
  ): Promise<{ schemaVersion: string | null }> {
    const [db, r] = [ident(databaseName), ident(role)];
    const { rows } = await this.client.query<{ rolname: string }>(
      'SELECT rolname FROM pg_roles WHERE rolname = ANY($1)',
      [[PGBOUNCER_AUTH_ROLE, ...(gatewayRole ? [gatewayRole] : [])]],
    );
    const present = new Set(rows.map((row) => row.rolname));
    if (gatewayRole && !present.has(gatewayRole))
      throw new Error(
        `the gateway role ${gatewayRole} does not exist on this server (scripts/infra.sh creates it in development, init-db-prod.sql in production)`,
      );
    const connecting = [
      r,
      ...[PGBOUNCER_AUTH_ROLE, gatewayRole].filter((name): name is string => !!name && present.has(name)).map(ident),
    ];
    await this.client.query(
      [
        `ALTER DATABASE ${db} OWNER TO CURRENT_USER`,
        `REVOKE ALL ON DATABASE ${db} FROM PUBLIC`,
        `GRANT CONNECT ON DATABASE ${db} TO ${connecting.join(', ')}`,
        ...(gatewayRole
          ? [
              `GRANT ${r} TO ${ident(gatewayRole)}`,
              `ALTER ROLE ${ident(gatewayRole)} IN DATABASE ${db} SET role = ${literal(role)}`,
            ]
          : []),
      ].join('; '),
    );
    return this.inDatabase(databaseName, async (tenantDb) => {
      const { rows: tables } = await tenantDb.query<{ present: boolean }>(
        `SELECT to_regclass($1) IS NOT NULL AS present`,
        [`public.${MIGRATIONS_TABLE}`],
      );
      const migrated = tables[0].present;
      await tenantDb.query(
        [
          `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`,
          `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${r}`,
          `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`,
          `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${r}`,
          ...(migrated ? [`REVOKE ALL ON TABLE public.${ident(MIGRATIONS_TABLE)} FROM ${r}`] : []),
        ].join('; '),
      );
      return { schemaVersion: migrated ? await latestMigrationOf(tenantDb) : null };
    });
  }

  /**
   * Runs `run` holding a session-level advisory lock named `name` on this session, waiting for it
   * at most `timeoutMs`. Advisory locks are per database: every caller must use the same admin URL.
   */
  async withLock<T>(name: string, run: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
    await this.client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${timeoutMs}ms`]);
    await this.client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      return await run();
    } finally {
      await this.client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
    }
  }

  /** Takes the advisory lock `name` for the rest of this session if it is free; false when another session holds it. */
  async tryLock(name: string): Promise<boolean> {
    const { rows } = await this.client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [name],
    );
    return rows[0].locked;
  }

  /** A short session on one database of this server, closed afterwards (never kept open: it would block clones). */
  private async inDatabase<T>(databaseName: string, run: (db: Client) => Promise<T>): Promise<T> {
    const db = new Client({
      connectionString: this.databaseUrl(databaseName),
      application_name: 'helpdeskly-provisioning',
      connectionTimeoutMillis: 5_000,
    });
    await db.connect();
    try {
      return await run(db);
    } finally {
      await db.end().catch(() => undefined);
    }
  }
}

/** The last migration `db` records as applied (its `_prisma_migrations` exists), or null. */
async function latestMigrationOf(db: Client): Promise<string | null> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT migration_name AS name FROM ${ident(MIGRATIONS_TABLE)} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name DESC LIMIT 1`,
  );
  return rows[0]?.name ?? null;
}
