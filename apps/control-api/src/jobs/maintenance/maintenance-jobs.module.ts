import { Module } from '@nestjs/common';
import { EmailDeliveryModule } from '@helpdeskly/mail';
import { TenantsModule } from '../../tenants/tenants.module';
import { TenantLifecycleRepository } from '../tenant-lifecycle.repository';
import { MaintenanceProcessor } from './maintenance.processor';
import { TenantHousekeepingRepository } from './tenant-housekeeping.repository';
import { TenantReconcilerService } from './tenant-reconciler.service';
import { TrashPurgeService } from './trash-purge.service';

/** The consumer of the queue `maintenance` and its schedules (where workers run). */
@Module({
  imports: [TenantsModule, EmailDeliveryModule],
  providers: [TenantLifecycleRepository, TenantHousekeepingRepository, TenantReconcilerService, TrashPurgeService, MaintenanceProcessor],
  exports: [TrashPurgeService, TenantReconcilerService],
})
export class MaintenanceJobsModule {}
