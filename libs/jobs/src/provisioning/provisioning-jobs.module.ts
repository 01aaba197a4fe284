import { Module } from '@nestjs/common';
import { TenantsModule } from '@helpdeskly/tenants';
import { ProvisioningProcessor } from './provisioning.processor';

/** The consumer of the queue `provisioning` (where workers run). */
@Module({ imports: [TenantsModule], providers: [ProvisioningProcessor] })
export class ProvisioningJobsModule {}
