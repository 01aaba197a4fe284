import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { type DatabaseServer, isUniqueViolation, TenantDatabaseAdmin } from '@helpdeskly/database';
import { type DatabaseServerFields, DatabaseServersRepository } from './database-servers.repository';
import { TenantsErrorCode, TenantsException } from './tenants.errors';
import { Secrets } from '@helpdeskly/secrets';

/** Name of the server registered from DATABASE_URL at start-up. */
export const PRIMARY_SERVER_NAME = 'primary';

/** The PostgreSQL servers (and their PgBouncer) that host tenant databases, and where a new tenant goes. */
@Injectable()
export class DatabaseServersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DatabaseServersService.name);
  private primary?: Promise<DatabaseServer>;

  constructor(
    private readonly servers: DatabaseServersRepository,
    private readonly config: AppConfig,
    private readonly secrets: Secrets,
  ) {}

  /**
   * Registers the primary server without holding up start-up: the API must start (and report
   * not ready) while the control database is down. {@link pickLeastLoaded} waits for it.
   */
  onApplicationBootstrap(): void {
    this.registerPrimary().catch(() => undefined);
  }

  /** Upserts the server of DATABASE_URL, once per process (again after a failure). */
  registerPrimary(): Promise<DatabaseServer> {
    this.primary ??= this.upsertPrimary().catch((error: unknown) => {
      this.primary = undefined;
      this.logger.warn({ err: error }, 'the primary database server could not be registered yet');
      throw error;
    });
    return this.primary;
  }

  /** The active server with the lowest share of its capacity in use; refuses when all are full. */
  async pickLeastLoaded(): Promise<DatabaseServer> {
    await this.registerPrimary();
    let best: { server: DatabaseServer; load: number } | undefined;
    for (const { server, liveTenants } of await this.servers.activeWithLoad()) {
      if (liveTenants >= server.capacity) continue;
      const load = liveTenants / server.capacity;
      if (!best || load < best.load) best = { server, load };
    }
    if (!best)
      throw new TenantsException(
        TenantsErrorCode.NoDatabaseCapacity,
        'Every database server is at capacity; register another one.',
      );
    return best.server;
  }

  /** Adds a server for a platform admin, after checking that its admin URL connects and may create roles and databases. */
  async register(fields: DatabaseServerFields): Promise<DatabaseServer> {
    let allowed: boolean;
    try {
      allowed = await TenantDatabaseAdmin.use(await this.secrets.databaseServerUrl(fields), (admin) =>
        admin.canProvision(),
      );
    } catch (error) {
      throw new TenantsException(
        TenantsErrorCode.DatabaseServerUnreachable,
        `Cannot connect to database server ${fields.name}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (!allowed)
      throw new TenantsException(
        TenantsErrorCode.DatabaseServerUnreachable,
        `The role of ${fields.name}'s admin URL cannot create roles and databases.`,
      );
    try {
      return await this.servers.create(fields);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new TenantsException(
          TenantsErrorCode.DatabaseServerNameTaken,
          `A database server named ${fields.name} exists.`,
        );
      throw error;
    }
  }

  list(): Promise<DatabaseServer[]> {
    return this.servers.list();
  }

  async findById(id: string): Promise<DatabaseServer> {
    const server = await this.servers.findById(id);
    if (!server) throw new TenantsException(TenantsErrorCode.DatabaseServerNotFound, `No database server ${id}.`);
    return server;
  }

  private async upsertPrimary(): Promise<DatabaseServer> {
    const fields = {
      name: PRIMARY_SERVER_NAME,
      adminUrl: this.config.database.tenantServerUrl,
      pgbouncerHost: this.config.database.pgbouncer.host,
      pgbouncerPort: this.config.database.pgbouncer.port,
    };
    try {
      return await this.servers.upsertByName(fields);
    } catch (error) {
      // Two processes starting at once: the other one inserted it; updating it now succeeds.
      if (isUniqueViolation(error)) return this.servers.upsertByName(fields);
      throw error;
    }
  }
}
