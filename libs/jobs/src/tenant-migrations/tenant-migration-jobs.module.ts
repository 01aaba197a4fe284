import { Module } from '@nestjs/common';
import { TenantMigrationsModule } from './tenant-migrations.module';
import { TenantMigrationsProcessor } from './tenant-migrations.processor';

/** The consumer of the queue `tenant-migrations` (where workers run). */
@Module({ imports: [TenantMigrationsModule], providers: [TenantMigrationsProcessor] })
export class TenantMigrationJobsModule {}
