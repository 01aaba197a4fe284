import { Module } from '@nestjs/common';
import { TenantsModule } from '../../tenants/tenants.module';
import { ProvisioningProcessor } from './provisioning.processor';

/** The consumer of the queue `provisioning` (where workers run). */
@Module({ imports: [TenantsModule], providers: [ProvisioningProcessor] })
export class ProvisioningJobsModule {}
