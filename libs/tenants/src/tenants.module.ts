import { Module } from '@nestjs/common';
import { QueuesModule } from '@helpdeskly/queues';
import { DatabaseServersRepository } from './database-servers.repository';
import { DatabaseServersService } from './database-servers.service';
import { ProvisioningHooks } from './provisioning.hooks';
import { TenantProvisionerService } from './tenant-provisioner.service';
import { TenantJobs } from './tenant-jobs';
import { TenantTemplateService } from './tenant-template.service';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';

/** Tenants, the database servers that host them, and provisioning of a database and role per tenant. */
@Module({
  // Global in the apps; imported here too for the modules that test tenants on their own.
  imports: [QueuesModule],
  providers: [
    DatabaseServersRepository,
    DatabaseServersService,
    TenantsRepository,
    TenantTemplateService,
    TenantProvisionerService,
    ProvisioningHooks,
    TenantJobs,
    TenantsService,
  ],
  exports: [TenantsService, DatabaseServersService, TenantJobs],
})
export class TenantsModule {}
