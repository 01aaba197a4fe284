import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '@helpdeskly/config';
import { QUEUES, QueueProcessor } from '@helpdeskly/queues';
import {
  type TenantMigrationJobData,
  type TenantMigrationJobResult,
  TenantMigrationsService,
} from './tenant-migrations.service';

/**
 * Consumer of the queue `tenant-migrations`: TENANT_MIGRATION_CONCURRENCY databases at once, as
 * `migrate -- tenants`. A failed migration stays recorded as failed in the tenant's database and
 * blocks its retries until resolved (`pnpm run migrate -- resolve ... --tenant <slug>`).
 */
@Injectable()
export class TenantMigrationsProcessor extends QueueProcessor<TenantMigrationJobData, TenantMigrationJobResult> {
  readonly queue = QUEUES.tenantMigrations;
  readonly concurrency: number;

  constructor(
    private readonly migrations: TenantMigrationsService,
    config: AppConfig,
  ) {
    super();
    this.concurrency = config.database.tenantMigrationConcurrency;
  }

  process(job: Job<TenantMigrationJobData, TenantMigrationJobResult>): Promise<TenantMigrationJobResult> {
    return this.migrations.migrate(job.data.tenantId);
  }
}
