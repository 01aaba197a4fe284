import { Module } from '@nestjs/common';
import { TenantStatusController } from './tenant-status.controller';
import { TenantStatusService } from './tenant-status.service';

/** GET /v1/tenants/current. A module of its own: TenantsModule also runs in the worker, which serves no route. */
@Module({ controllers: [TenantStatusController], providers: [TenantStatusService] })
export class TenantStatusModule {}
