import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import {
  MigrationError,
  migrateTenantDatabase,
  readMigrations,
  schemaPaths,
  withDatabase,
} from '@helpdeskly/migrations';
import { addJob, DEFAULT_JOB_OPTIONS, ENQUEUE_TIMEOUT_MS, jobId, QUEUES, withRedisTimeout } from '@helpdeskly/queues';
import { LIVE_STATUSES, TenantLifecycleRepository } from '../tenant-lifecycle.repository';
import { Secrets } from '@helpdeskly/secrets';

export interface TenantMigrationJobData {
  readonly tenantId: string;
  /** The latest tenant migration when the job was enqueued (part of its id). */
  readonly migration: string;
}

export interface TenantMigrationJobResult {
  readonly applied: string[];
  readonly skipped?: true;
}

export interface TenantMigrationsEnqueued {
  readonly latestMigration: string | null;
  /** Live tenants whose recorded schema version is not the latest. */
  readonly behind: number;
  /** Jobs added by this call. */
  readonly enqueued: number;
  /** Tenants that already had a job for this migration (waiting, active, completed or failed). */
  readonly alreadyQueued: number;
  /** Of those, jobs in the failed set: retry them with POST /v1/admin/queues/tenant-migrations/jobs/:id/retry. */
  readonly failed: number;
}

/** The latest migration of prisma/tenant/migrations, or null when there is none. */
export function latestTenantMigration(): string | null {
  return readMigrations(schemaPaths('tenant').migrationsDir).at(-1)?.name ?? null;
}

/**
 * Tenant databases brought to the latest tenant migration through the queue `tenant-migrations`,
 * one job per database (id `migrate--<tenant>--<migration>`, so asking twice queues nothing more).
 * `pnpm run migrate -- tenants` does the same work at once, from a shell.
 */
@Injectable()
export class TenantMigrationsService {
  constructor(
    private readonly tenants: TenantLifecycleRepository,
    @InjectQueue(QUEUES.tenantMigrations) private readonly queue: Queue<TenantMigrationJobData>,
    private readonly secrets: Secrets,
  ) {}

  /** A job for every live tenant whose database is behind the latest migration. */
  async enqueueBehind(): Promise<TenantMigrationsEnqueued> {
    const latest = latestTenantMigration();
    if (!latest) return { latestMigration: null, behind: 0, enqueued: 0, alreadyQueued: 0, failed: 0 };
    const behind = await this.tenants.findBehind(latest);
    let enqueued = 0;
    let failed = 0;
    for (const tenant of behind) {
      const id = jobId('migrate', tenant.id, latest);
      const state = await withRedisTimeout(this.queue.getJobState(id), ENQUEUE_TIMEOUT_MS, `reading job ${id}`);
      if (state === 'failed') failed++;
      if (state !== 'unknown') continue;
      await addJob(
        this.queue,
        'migrate',
        { tenantId: tenant.id, migration: latest },
        { ...DEFAULT_JOB_OPTIONS, jobId: id },
      );
      enqueued++;
    }
    return {
      latestMigration: latest,
      behind: behind.length,
      enqueued,
      alreadyQueued: behind.length - enqueued,
      failed,
    };
  }

  /**
   * Applies the pending tenant migrations to the tenant's database (directly on its server, as the
   * schema engine needs) and records the last one in tenants.schema_version, also after a failure
   * midway. A tenant that is no longer live is skipped.
   */
  async migrate(tenantId: string): Promise<TenantMigrationJobResult> {
    const tenant = await this.tenants.findOnServer(tenantId);
    if (!tenant || !LIVE_STATUSES.includes(tenant.status)) return { applied: [], skipped: true };
    const latest = latestTenantMigration();
    try {
      const { applied } = await migrateTenantDatabase(
        withDatabase(await this.secrets.databaseServerUrl(tenant.databaseServer), tenant.databaseName),
      );
      if (latest) await this.tenants.recordSchemaVersion(tenantId, latest);
      return { applied };
    } catch (error) {
      const reached = error instanceof MigrationError ? error.applied.at(-1) : undefined;
      if (reached) await this.tenants.recordSchemaVersion(tenantId, reached);
      throw error;
    }
  }
}
