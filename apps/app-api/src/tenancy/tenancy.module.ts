import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RevokedSessionsSource } from '@helpdeskly/auth';
import { TenantDataModule } from '@helpdeskly/tenant-data';
import { RevokedSessionsRepository } from './revoked-sessions.repository';
import { TenantBackendBudget } from './tenant-backend-budget';
import { TenantContextInterceptor } from './tenant-context.interceptor';
import { TenantMembersService } from './tenant-members.service';
import { TenantResolver } from './tenant.resolver';

/**
 * Routes every authenticated request of app-api to its tenant: the interceptor (which runs after
 * every guard, so after AccessTokenGuard) resolves the tenant and the caller's membership, leases
 * the tenant's client and runs the handler inside its scope; repositories reach the database
 * through TenantDatabase (`@helpdeskly/tenant-data`, shared with the worker).
 */
@Global()
@Module({
  imports: [TenantDataModule],
  providers: [
    TenantResolver,
    TenantBackendBudget,
    TenantMembersService,
    // The session deny-list's answer while Redis is down.
    { provide: RevokedSessionsSource, useClass: RevokedSessionsRepository },
    { provide: APP_INTERCEPTOR, useClass: TenantContextInterceptor },
  ],
  exports: [TenantDataModule, TenantMembersService, TenantResolver],
})
export class TenancyModule {}
