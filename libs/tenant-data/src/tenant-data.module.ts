import { Global, Module } from '@nestjs/common';
import { TenantClientFactory, TenantClientRegistry } from './tenant-client.registry';
import { TenantDatabase } from './tenant-database';
import { TenantDirectoryRepository } from './tenant-directory.repository';
import { TenantLocator } from './tenant-locator';
import { TenantScopeStorage } from './tenant-scope';

/**
 * The one way to a tenant's tables, for app-api and the worker alike: find the ACTIVE tenant
 * (TenantLocator), lease its client (TenantClientRegistry: PgBouncer as the gateway role) and run
 * inside its scope (TenantDatabase, through a request's interceptor or TenantDatabase.run()).
 * Provisioning and tenant migrations stay admin-side (`@helpdeskly/tenants`, `@helpdeskly/jobs`).
 */
@Global()
@Module({
  providers: [
    TenantDirectoryRepository,
    TenantLocator,
    TenantClientFactory,
    TenantClientRegistry,
    TenantScopeStorage,
    TenantDatabase,
  ],
  exports: [TenantDirectoryRepository, TenantLocator, TenantClientRegistry, TenantScopeStorage, TenantDatabase],
})
export class TenantDataModule {}
