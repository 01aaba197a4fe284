import { Module } from '@nestjs/common';
import { AuditTrailModule } from '@helpdeskly/audit';
import { EmailDeliveryModule } from '@helpdeskly/mail';
import { QueueWorkersModule } from '@helpdeskly/queues';
import { MailChannelJobsModule } from './mail-channels/mail-channel-jobs.module';
import { MaintenanceJobsModule } from './maintenance/maintenance-jobs.module';
import { ProvisioningJobsModule } from './provisioning/provisioning-jobs.module';
import { TenantMigrationJobsModule } from './tenant-migrations/tenant-migration-jobs.module';

/**
 * The consumers of every queue (emails, provisioning, tenant migrations, maintenance), the fetching
 * of tenants' IMAP mailboxes (with INBOUND_DELIVERY_URL), and what
 * runs them: the whole of the worker app, and what control-api embeds when RUN_WORKERS=true.
 */
@Module({
  imports: [
    AuditTrailModule,
    QueueWorkersModule,
    EmailDeliveryModule,
    ProvisioningJobsModule,
    TenantMigrationJobsModule,
    MaintenanceJobsModule,
    MailChannelJobsModule,
  ],
})
export class JobsModule {}
