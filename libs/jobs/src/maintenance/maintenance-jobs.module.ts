import { Module } from '@nestjs/common';
import { EmailDeliveryRepository } from '@helpdeskly/mail';
import { StorageModule } from '@helpdeskly/storage';
import { TenantDataModule } from '@helpdeskly/tenant-data';
import { TenantsModule } from '@helpdeskly/tenants';
import { TenantLifecycleRepository } from '../tenant-lifecycle.repository';
import { EmailDeliveryPurgeService } from './email-delivery-purge.service';
import { MaintenanceProcessor } from './maintenance.processor';
import { TenantHousekeepingRepository } from './tenant-housekeeping.repository';
import { TenantReconcilerService } from './tenant-reconciler.service';
import { TrashPurgeService } from './trash-purge.service';

/** The consumer of the queue `maintenance` and its schedules (where workers run). */
@Module({
  // TenantDataModule: the purge reaches tenant tables the way app-api does.
  // StorageModule: the files of purged tickets are deleted with them.
  imports: [TenantsModule, TenantDataModule, StorageModule],
  providers: [
    TenantLifecycleRepository,
    TenantHousekeepingRepository,
    TenantReconcilerService,
    TrashPurgeService,
    EmailDeliveryRepository,
    EmailDeliveryPurgeService,
    MaintenanceProcessor,
  ],
  exports: [TrashPurgeService, TenantReconcilerService],
})
export class MaintenanceJobsModule {}
