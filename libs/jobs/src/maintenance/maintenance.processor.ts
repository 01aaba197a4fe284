import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, QUEUES, QueueProcessor } from '@helpdeskly/queues';
import { AuditPartitionsService } from '@helpdeskly/audit';
import { EmailDeliveryPurgeService } from './email-delivery-purge.service';
import { TenantReconcilerService } from './tenant-reconciler.service';
import { TrashPurgeService } from './trash-purge.service';

export const MAINTENANCE_JOBS = {
  reconcileTenants: 'reconcile-tenants',
  purgeTrash: 'purge-trash',
  auditPartitions: 'audit-partitions',
  purgeEmailDeliveries: 'purge-email-deliveries',
} as const;
export type MaintenanceJobName = (typeof MAINTENANCE_JOBS)[keyof typeof MAINTENANCE_JOBS];

/**
 * Consumer of the queue `maintenance`, and its schedule: BullMQ job schedulers, upserted by id at
 * every worker start (idempotent across instances: one schedule, whoever registers it), so a
 * new interval or pattern takes effect with the next deploy.
 */
@Injectable()
export class MaintenanceProcessor
  extends QueueProcessor<Record<string, never>, unknown>
  implements OnApplicationBootstrap
{
  readonly queue = QUEUES.maintenance;
  readonly concurrency = 1;
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly reconciler: TenantReconcilerService,
    private readonly trash: TrashPurgeService,
    private readonly auditPartitions: AuditPartitionsService,
    private readonly emailDeliveries: EmailDeliveryPurgeService,
    @InjectQueue(QUEUES.maintenance) private readonly schedule: Queue,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // In the background: a Redis that is down must not hold up start-up (workers wait for it too).
    this.registerSchedules().catch((error: unknown) =>
      this.logger.error({ err: error }, 'maintenance schedules could not be registered'),
    );
  }

  async registerSchedules(): Promise<void> {
    // Every 5 minutes, from start-up; the next run retries, so one attempt and a short failed history.
    await this.schedule.upsertJobScheduler(
      MAINTENANCE_JOBS.reconcileTenants,
      { every: 5 * 60_000 },
      {
        name: MAINTENANCE_JOBS.reconcileTenants,
        opts: { ...DEFAULT_JOB_OPTIONS, attempts: 1, removeOnFail: { age: 7 * 86_400, count: 100 } },
      },
    );
    // Daily at 03:30 UTC, a quiet hour.
    await this.schedule.upsertJobScheduler(
      MAINTENANCE_JOBS.purgeTrash,
      { pattern: '30 3 * * *', tz: 'UTC' },
      { name: MAINTENANCE_JOBS.purgeTrash, opts: DEFAULT_JOB_OPTIONS },
    );
    // Daily at 02:15 UTC: the next months' partitions exist months ahead, so a missed day is harmless.
    await this.schedule.upsertJobScheduler(
      MAINTENANCE_JOBS.auditPartitions,
      { pattern: '15 2 * * *', tz: 'UTC' },
      { name: MAINTENANCE_JOBS.auditPartitions, opts: DEFAULT_JOB_OPTIONS },
    );
    // Daily at 03:45 UTC, after the trash.
    await this.schedule.upsertJobScheduler(
      MAINTENANCE_JOBS.purgeEmailDeliveries,
      { pattern: '45 3 * * *', tz: 'UTC' },
      { name: MAINTENANCE_JOBS.purgeEmailDeliveries, opts: DEFAULT_JOB_OPTIONS },
    );
    this.logger.log({ schedulers: Object.values(MAINTENANCE_JOBS) }, 'maintenance schedules registered');
  }

  process(job: Job): Promise<unknown> {
    switch (job.name as MaintenanceJobName) {
      case MAINTENANCE_JOBS.reconcileTenants:
        return this.reconciler.reconcile();
      case MAINTENANCE_JOBS.purgeTrash:
        return this.trash.purgeAll();
      case MAINTENANCE_JOBS.auditPartitions:
        return this.auditPartitions.maintain();
      case MAINTENANCE_JOBS.purgeEmailDeliveries:
        return this.emailDeliveries.purge();
      default:
        throw new Error(`unknown maintenance job ${job.name}`);
    }
  }
}
