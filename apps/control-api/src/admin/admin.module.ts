import { Module } from '@nestjs/common';
import { TenantMigrationsModule } from '../jobs/tenant-migrations/tenant-migrations.module';
import { TenantsModule } from '../tenants/tenants.module';
import { AdminAuditService } from './admin-audit.service';
import { AdminDatabaseServersService } from './admin-database-servers.service';
import { AdminQueuesController } from './admin-queues.controller';
import { AdminQueuesService } from './admin-queues.service';
import { AdminTenantsRepository } from './admin-tenants.repository';
import { AdminTenantsService } from './admin-tenants.service';
import { AdminController } from './admin.controller';
import { PlatformAdminCheck } from './platform-admin.check';

/** Platform administration: tenants, database servers, the whole audit trail, the job queues. */
@Module({
  imports: [TenantsModule, TenantMigrationsModule],
  controllers: [AdminController, AdminQueuesController],
  providers: [PlatformAdminCheck, AdminTenantsRepository, AdminTenantsService, AdminDatabaseServersService, AdminAuditService, AdminQueuesService],
})
export class AdminModule {}
