import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { type TenantDatabaseAdmin, isTemplateInUse } from '@helpdeskly/database';
import { applyMigrations, migrateTenantDatabase, migrationStatus } from '@helpdeskly/migrations';

/** How a tenant database was made. */
export type DatabaseCreationMethod = 'template' | 'migrations';

// One lock for every clone and template upgrade on a server: PostgreSQL refuses to clone a template
// while another session is connected to it, and concurrent clones of one template conflict.
const TEMPLATE_LOCK = 'helpdeskly:tenant-template';
// PostgreSQL already waits up to 5 s for other sessions to leave the template; one more try after that.
const CLONE_ATTEMPTS = 2;
const CLONE_RETRY_DELAY_MS = 200;

/**
 * Makes tenant databases fast: keeps a migrated template database current on each server and clones
 * it (CREATE DATABASE ... TEMPLATE, ~50 ms), falling back to an empty database migrated from scratch
 * when cloning is impossible. `_prisma_migrations` comes along with the clone, so the tenant is
 * recorded as migrated exactly as if the migrations had run in it.
 */
@Injectable()
export class TenantTemplateService {
  private readonly logger = new Logger(TenantTemplateService.name);
  // Templates this process found current. The migrations folder does not change under a running
  // process, so one check each is enough; a failed clone clears the entry.
  private readonly current = new Set<string>();

  constructor(private readonly config: AppConfig) {}

  get templateName(): string {
    return this.config.database.tenantTemplateDatabase;
  }

  /** Creates `databaseName` closed to PUBLIC and migrated; says whether it was cloned or migrated from empty. */
  async createDatabase(admin: TenantDatabaseAdmin, databaseName: string): Promise<DatabaseCreationMethod> {
    if (await this.tryClone(admin, databaseName)) {
      await admin.closeDatabaseToPublic(databaseName);
      return 'template';
    }
    await admin.createDatabase(databaseName);
    await admin.closeDatabaseToPublic(databaseName);
    await migrateTenantDatabase(admin.databaseUrl(databaseName));
    return 'migrations';
  }

  /** Clones the template into `databaseName`; false (logged) when that is impossible right now. */
  async tryClone(admin: TenantDatabaseAdmin, databaseName: string): Promise<boolean> {
    const key = admin.databaseUrl(this.templateName);
    try {
      return await admin.withLock(TEMPLATE_LOCK, async () => {
        await this.ensureCurrent(admin);
        for (let attempt = 1; ; attempt++) {
          try {
            return await admin.createDatabase(databaseName, { template: this.templateName });
          } catch (error) {
            if (!isTemplateInUse(error) || attempt >= CLONE_ATTEMPTS) throw error;
            await sleep(CLONE_RETRY_DELAY_MS);
          }
        }
      });
    } catch (error) {
      this.current.delete(key);
      this.logger.warn(
        { err: error, database: databaseName, template: this.templateName },
        'cloning the tenant template failed; migrating an empty database instead',
      );
      return false;
    }
  }

  /**
   * Creates the template when missing and applies pending tenant migrations to it. Call with the
   * template lock held. Every session opened here is closed before returning (a session left on
   * the template would make every clone fail).
   */
  async ensureCurrent(admin: TenantDatabaseAdmin): Promise<void> {
    const template = this.templateName;
    const url = admin.databaseUrl(template);
    if (this.current.has(url)) return;
    if (await admin.databaseExists(template)) {
      // A template whose migration failed holds nothing worth repairing: start it over.
      if ((await migrationStatus(url, 'tenant')).failed.length > 0) await admin.dropDatabase(template);
    }
    if (await admin.createDatabase(template)) await admin.closeDatabaseToPublic(template);
    // The status is one query; applying starts the schema engine, so only when something is pending.
    if ((await migrationStatus(url, 'tenant')).pending.length > 0) {
      const { applied } = await applyMigrations(url, 'tenant');
      this.logger.log({ template, applied }, 'tenant template migrated');
    }
    this.current.add(url);
  }
}
