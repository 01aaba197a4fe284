import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RevokedSessionsSource } from '@helpdeskly/auth';
import { RevokedSessionsRepository } from './revoked-sessions.repository';
import { TenantBackendBudget } from './tenant-backend-budget';
import { TenantClientFactory, TenantClientRegistry } from './tenant-client.registry';
import { TenantContextInterceptor } from './tenant-context.interceptor';
import { TenantDatabase } from './tenant-database';
import { TenantDirectoryRepository } from './tenant-directory.repository';
import { TenantMembersService } from './tenant-members.service';
import { TenantScopeStorage } from './tenant-scope';
import { TenantResolver } from './tenant.resolver';

/**
 * Routes every authenticated request of app-api to its tenant: the interceptor (which runs after
 * every guard, so after AccessTokenGuard) resolves the tenant, leases its client and runs the
 * handler inside AsyncLocalStorage; repositories reach the database through TenantDatabase.
 */
@Global()
@Module({
  providers: [
    TenantDirectoryRepository,
    TenantResolver,
    TenantClientFactory,
    TenantClientRegistry,
    TenantBackendBudget,
    TenantScopeStorage,
    TenantDatabase,
    TenantMembersService,
    // The session deny-list's answer while Redis is down.
    { provide: RevokedSessionsSource, useClass: RevokedSessionsRepository },
    { provide: APP_INTERCEPTOR, useClass: TenantContextInterceptor },
  ],
  exports: [TenantDatabase, TenantMembersService, TenantClientRegistry, TenantResolver],
})
export class TenancyModule {}
