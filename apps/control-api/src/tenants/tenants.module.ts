import { Module } from '@nestjs/common';
import { DatabaseServersRepository } from './database-servers.repository';
import { DatabaseServersService } from './database-servers.service';
import { ProvisioningHooks } from './provisioning.hooks';
import { TenantProvisionerService } from './tenant-provisioner.service';
import { TenantTemplateService } from './tenant-template.service';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';

/** Tenants, the database servers that host them, and provisioning of a database and role per tenant. */
@Module({
  providers: [
    DatabaseServersRepository,
    DatabaseServersService,
    TenantsRepository,
    TenantTemplateService,
    TenantProvisionerService,
    ProvisioningHooks,
    TenantsService,
  ],
  exports: [TenantsService, DatabaseServersService],
})
export class TenantsModule {}
