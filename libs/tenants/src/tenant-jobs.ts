import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { addJob, DEFAULT_JOB_OPTIONS, jobId, QUEUES, runSoon } from '@helpdeskly/queues';

/** Jobs of the queue `provisioning`: the durable intent to provision or delete one tenant. */
export type TenantJobName = 'provision' | 'delete';
export interface TenantJobData {
  readonly tenantId: string;
}

/** How long the durable job waits for the inline attempt (sign-up, admin DELETE) to finish first. */
export const TENANT_JOB_DELAY_MS = 60_000;

/**
 * Producer of the queue `provisioning`. Before provisioning or deleting inline, the service
 * records a delayed job, so a crash midway is finished by a worker; when the inline attempt
 * fails, the job is made to run now. Redis being down never fails the caller: it is logged, and
 * the maintenance job `reconcile-tenants` enqueues what was lost.
 */
@Injectable()
export class TenantJobs {
  private readonly logger = new Logger(TenantJobs.name);

  constructor(@InjectQueue(QUEUES.provisioning) private readonly queue: Queue<TenantJobData>) {}

  /** Records the intent to provision the tenant; runs in TENANT_JOB_DELAY_MS unless done by then. */
  provisionLater(tenantId: string): Promise<void> {
    return this.enqueue('provision', tenantId, () =>
      addJob(
        this.queue,
        'provision',
        { tenantId },
        { ...DEFAULT_JOB_OPTIONS, jobId: jobId('provision', tenantId), delay: TENANT_JOB_DELAY_MS },
      ),
    );
  }

  /** Makes the provisioning job run now (added when missing). */
  provisionNow(tenantId: string): Promise<void> {
    return this.enqueue('provision', tenantId, () =>
      runSoon(this.queue, 'provision', { tenantId }, { ...DEFAULT_JOB_OPTIONS, jobId: jobId('provision', tenantId) }),
    );
  }

  deleteLater(tenantId: string): Promise<void> {
    return this.enqueue('delete', tenantId, () =>
      addJob(
        this.queue,
        'delete',
        { tenantId },
        { ...DEFAULT_JOB_OPTIONS, jobId: jobId('delete', tenantId), delay: TENANT_JOB_DELAY_MS },
      ),
    );
  }

  deleteNow(tenantId: string): Promise<void> {
    return this.enqueue('delete', tenantId, () =>
      runSoon(this.queue, 'delete', { tenantId }, { ...DEFAULT_JOB_OPTIONS, jobId: jobId('delete', tenantId) }),
    );
  }

  private async enqueue(name: TenantJobName, tenantId: string, add: () => Promise<void>): Promise<void> {
    try {
      await add();
    } catch (error) {
      this.logger.error(
        { err: error, queue: QUEUES.provisioning, jobName: name, tenantId },
        'tenant job could not be enqueued; reconcile-tenants will enqueue it',
      );
    }
  }
}
