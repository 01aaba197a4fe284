import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TenantMigrationsModule } from '@helpdeskly/jobs';
import { TenantsModule } from '@helpdeskly/tenants';
import { AdminAuditService } from './admin-audit.service';
import { AdminDatabaseServersService } from './admin-database-servers.service';
import { AdminQueuesController } from './admin-queues.controller';
import { AdminQueuesService } from './admin-queues.service';
import { AdminTenantsRepository } from './admin-tenants.repository';
import { AdminTenantsService } from './admin-tenants.service';
import { AdminController } from './admin.controller';
import { PlatformAdminCheck } from './platform-admin.check';
import { PlatformAdminGuard } from './platform-admin.guard';

/**
 * Platform administration: tenants, database servers, the whole audit trail, the job queues. Its
 * global guard (after AuthModule's) checks every @PlatformAdmin() route against the database.
 */
@Module({
  imports: [TenantsModule, TenantMigrationsModule],
  controllers: [AdminController, AdminQueuesController],
  providers: [
    PlatformAdminCheck,
    PlatformAdminGuard,
    { provide: APP_GUARD, useExisting: PlatformAdminGuard },
    AdminTenantsRepository,
    AdminTenantsService,
    AdminDatabaseServersService,
    AdminAuditService,
    AdminQueuesService,
  ],
})
export class AdminModule {}
