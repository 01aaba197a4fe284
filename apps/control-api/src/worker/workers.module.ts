import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@helpdeskly/config';
import { EmailDeliveryModule } from '@helpdeskly/mail';
import { QueueWorkersModule } from '@helpdeskly/queues';
import { MaintenanceJobsModule } from '../jobs/maintenance/maintenance-jobs.module';
import { ProvisioningJobsModule } from '../jobs/provisioning/provisioning-jobs.module';
import { TenantMigrationJobsModule } from '../jobs/tenant-migrations/tenant-migration-jobs.module';

/** The consumers of every queue, and what runs them; the same in control-api and the worker process. */
export const QUEUE_CONSUMERS = [
  QueueWorkersModule,
  EmailDeliveryModule,
  ProvisioningJobsModule,
  TenantMigrationJobsModule,
  MaintenanceJobsModule,
];

/** The queue workers, inside control-api when RUN_WORKERS=true (the worker process always runs them). */
@Module({})
export class WorkersModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkersModule, imports: config.queues.runWorkers ? QUEUE_CONSUMERS : [] };
  }
}
