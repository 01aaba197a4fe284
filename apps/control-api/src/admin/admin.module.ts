import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { AdminAuditService } from './admin-audit.service';
import { AdminDatabaseServersService } from './admin-database-servers.service';
import { AdminTenantsRepository } from './admin-tenants.repository';
import { AdminTenantsService } from './admin-tenants.service';
import { AdminController } from './admin.controller';
import { PlatformAdminCheck } from './platform-admin.check';

/** Platform administration: tenants, database servers, the whole audit trail. */
@Module({
  imports: [TenantsModule],
  controllers: [AdminController],
  providers: [PlatformAdminCheck, AdminTenantsRepository, AdminTenantsService, AdminDatabaseServersService, AdminAuditService],
})
export class AdminModule {}
