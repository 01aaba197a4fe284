import { Module } from '@nestjs/common';
import { TenantLifecycleRepository } from '../tenant-lifecycle.repository';
import { TenantMigrationsService } from './tenant-migrations.service';

/** Enqueueing tenant migrations (platform admins) and running one (the processor). */
@Module({ providers: [TenantLifecycleRepository, TenantMigrationsService], exports: [TenantMigrationsService] })
export class TenantMigrationsModule {}
