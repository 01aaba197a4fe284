import { Injectable, Logger } from '@nestjs/common';
import { TenantStatus } from '@helpdeskly/database';
import { TenantJobs } from '@helpdeskly/tenants';
import { TenantLifecycleRepository } from '../tenant-lifecycle.repository';

/**
 * How long a tenant must sit unchanged mid-lifecycle before the reconciler steps in. The inline
 * path enqueues its own job (and makes it run at once on failure), so only a lost enqueue (Redis
 * down at the time) or a crash leaves a tenant this long without progress.
 */
export const STALE_AFTER_MS = 5 * 60_000;
// Per run; the next run (5 min later) takes the rest.
const BATCH = 500;

export interface ReconcileReport {
  readonly provision: number;
  readonly delete: number;
}

/**
 * The `reconcile-tenants` job (every 5 minutes): a tenant PROVISIONING or FAILED and unchanged for
 * 5 minutes gets its provisioning job, a DELETING one its deletion job. A job that exists is left
 * alone (one in the failed set waits for an admin), so running it again changes nothing.
 */
@Injectable()
export class TenantReconcilerService {
  private readonly logger = new Logger(TenantReconcilerService.name);

  constructor(
    private readonly tenants: TenantLifecycleRepository,
    private readonly jobs: TenantJobs,
  ) {}

  async reconcile(): Promise<ReconcileReport> {
    const stuck = await this.tenants.findUnchangedSince(
      [TenantStatus.PROVISIONING, TenantStatus.FAILED, TenantStatus.DELETING],
      new Date(Date.now() - STALE_AFTER_MS),
      BATCH,
    );
    let deletions = 0;
    for (const tenant of stuck) {
      if (tenant.status === TenantStatus.DELETING) {
        deletions++;
        await this.jobs.deleteNow(tenant.id);
      } else await this.jobs.provisionNow(tenant.id);
    }
    const report = { provision: stuck.length - deletions, delete: deletions };
    if (stuck.length > 0) this.logger.log(report, 'stuck tenants handed to the provisioning queue');
    return report;
  }
}
