import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QUEUES, QueueProcessor } from '@helpdeskly/queues';
import {
  type TenantJobData,
  type TenantJobName,
  TenantsErrorCode,
  TenantsException,
  TenantsService,
} from '@helpdeskly/tenants';

export interface TenantJobResult {
  readonly status: string;
  /** Set when there was nothing to do: the tenant was gone or past this step. */
  readonly skipped?: true;
}

// Provisioning is PostgreSQL work on the tenant's server; a couple at once is plenty.
const CONCURRENCY = 2;

/**
 * Consumer of the queue `provisioning`: finishes what sign-up or an admin DELETE started inline
 * (both idempotent in TenantsService). A tenant no longer in a state for it (ACTIVE, SUSPENDED,
 * DELETED...) or gone completes the job as a no-op; a tenant locked by another attempt
 * (`tenant_busy`) or a failure retries with the job's backoff.
 */
@Injectable()
export class ProvisioningProcessor extends QueueProcessor<TenantJobData, TenantJobResult> {
  readonly queue = QUEUES.provisioning;
  readonly concurrency = CONCURRENCY;
  private readonly logger = new Logger(ProvisioningProcessor.name);

  constructor(private readonly tenants: TenantsService) {
    super();
  }

  async process(job: Job<TenantJobData, TenantJobResult>): Promise<TenantJobResult> {
    const { tenantId } = job.data;
    try {
      const tenant =
        job.name === ('delete' satisfies TenantJobName)
          ? await this.tenants.deleteTenant(tenantId)
          : await this.tenants.provision(tenantId);
      return { status: tenant.status };
    } catch (error) {
      if (
        !(error instanceof TenantsException) ||
        (error.code !== TenantsErrorCode.StateConflict && error.code !== TenantsErrorCode.NotFound)
      )
        throw error;
      this.logger.log(
        { queue: this.queue, jobId: job.id, tenantId, code: error.code },
        'nothing to do for this tenant job',
      );
      return { status: error.code, skipped: true };
    }
  }
}
