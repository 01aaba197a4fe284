import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { AuthContext } from '@helpdeskly/auth';
import { redactString } from '@helpdeskly/logging';
import {
  ENQUEUE_TIMEOUT_MS,
  isQueueName,
  maskJobData,
  QUEUE_NAMES,
  QUEUES,
  type QueueName,
  withRedisTimeout,
} from '@helpdeskly/queues';
import { AuditService } from '@helpdeskly/audit';
import { TenantMigrationsService } from '@helpdeskly/jobs';
import type { ClientInfo } from '../common/client-info';
import { QueuesErrorCode, QueuesException } from './admin-queues.errors';
import type {
  JobDto,
  JobListDto,
  JobListQueryDto,
  QueueCountsDto,
  QueueListDto,
  TenantMigrationsEnqueuedDto,
} from './dto/admin-queues.dto';

const COUNTED = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/**
 * The job queues for platform admins: counts, jobs by state (data masked), retry of a failed job,
 * discard of one that is not running, and enqueueing tenant migrations. Changes are audited.
 */
@Injectable()
export class AdminQueuesService {
  private readonly queues: ReadonlyMap<QueueName, Queue>;

  constructor(
    private readonly audit: AuditService,
    private readonly migrations: TenantMigrationsService,
    @InjectQueue(QUEUES.email) email: Queue,
    @InjectQueue(QUEUES.provisioning) provisioning: Queue,
    @InjectQueue(QUEUES.tenantMigrations) tenantMigrations: Queue,
    @InjectQueue(QUEUES.maintenance) maintenance: Queue,
  ) {
    this.queues = new Map<QueueName, Queue>([
      [QUEUES.email, email],
      [QUEUES.provisioning, provisioning],
      [QUEUES.tenantMigrations, tenantMigrations],
      [QUEUES.maintenance, maintenance],
    ]);
  }

  async list(): Promise<QueueListDto> {
    const items = await Promise.all(
      QUEUE_NAMES.map(async (name): Promise<QueueCountsDto> => {
        const queue = this.queue(name);
        const [counts, paused] = await this.redis(`counting ${name}`, () =>
          Promise.all([queue.getJobCounts(...COUNTED), queue.isPaused()]),
        );
        return {
          name,
          ...Object.fromEntries(COUNTED.map((state) => [state, counts[state] ?? 0])),
          paused,
        } as QueueCountsDto;
      }),
    );
    return { items };
  }

  async jobs(queueName: string, query: JobListQueryDto): Promise<JobListDto> {
    const queue = this.queue(queueName);
    const jobs = await this.redis(`listing ${queueName}`, () => queue.getJobs([query.state], 0, query.limit - 1));
    // The state asked for is the state they were listed in (a job may move on meanwhile).
    return {
      items: jobs.filter((job): job is Job => job !== undefined).map((job) => toJobDto(job, queueName, query.state)),
    };
  }

  async job(queueName: string, id: string): Promise<JobDto> {
    const job = await this.find(queueName, id);
    return toJobDto(job, queueName, await this.redis(`reading ${id}`, () => job.getState()));
  }

  async retry(auth: AuthContext, queueName: string, id: string, client: ClientInfo): Promise<JobDto> {
    const job = await this.find(queueName, id);
    const state = await this.redis(`reading ${id}`, () => job.getState());
    if (state !== 'failed')
      throw new QueuesException(
        QueuesErrorCode.JobNotFailed,
        `Job ${id} is ${state}; only a failed job can be retried.`,
      );
    // A full set of attempts again, with the job's backoff: the cause has presumably been fixed.
    const before = { state, attemptsMade: job.attemptsMade };
    await this.redis(`retrying ${id}`, () =>
      job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }),
    );
    const retried = await this.find(queueName, id);
    const after = await this.redis(`reading ${id}`, () => retried.getState());
    await this.record('queue.job.retried', auth, queueName, job, client, {
      before,
      after: { state: after, attemptsMade: retried.attemptsMade },
    });
    return toJobDto(retried, queueName, after);
  }

  async discard(auth: AuthContext, queueName: string, id: string, client: ClientInfo): Promise<void> {
    const job = await this.find(queueName, id);
    const state = await this.redis(`reading ${id}`, () => job.getState());
    if (state === 'active')
      throw new QueuesException(
        QueuesErrorCode.JobActive,
        `Job ${id} is running; discard it once it has finished or failed.`,
      );
    await this.redis(`discarding ${id}`, () => job.remove());
    await this.record('queue.job.discarded', auth, queueName, job, client, {
      before: { state, attemptsMade: job.attemptsMade },
      after: null,
    });
  }

  async enqueueTenantMigrations(auth: AuthContext, client: ClientInfo): Promise<TenantMigrationsEnqueuedDto> {
    const result = await this.redis('enqueueing tenant migrations', () => this.migrations.enqueueBehind());
    await this.audit.record({
      action: 'tenant_migrations.enqueued',
      actorUserId: auth.userId,
      targetType: 'queue',
      targetId: QUEUES.tenantMigrations,
      ...client,
      metadata: { ...result },
    });
    return result;
  }

  private queue(name: string): Queue {
    const queue = isQueueName(name) ? this.queues.get(name) : undefined;
    if (!queue)
      throw new QueuesException(
        QueuesErrorCode.QueueNotFound,
        `No queue ${name}; the queues are ${QUEUE_NAMES.join(', ')}.`,
      );
    return queue;
  }

  private async find(queueName: string, id: string): Promise<Job> {
    const queue = this.queue(queueName);
    const job = await this.redis(`reading ${id}`, () => queue.getJob(id));
    if (!job) throw new QueuesException(QueuesErrorCode.JobNotFound, `No job ${id} in queue ${queueName}.`);
    return job;
  }

  /** A Redis call that answers 503 `queue_unavailable` when Redis fails or does not answer in time. */
  private async redis<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withRedisTimeout(run(), ENQUEUE_TIMEOUT_MS, what);
    } catch (error) {
      if (error instanceof QueuesException) throw error;
      throw new QueuesException(
        QueuesErrorCode.QueueUnavailable,
        `Redis did not answer while ${what}; try again shortly.`,
        { cause: error },
      );
    }
  }

  private record(
    action: string,
    auth: AuthContext,
    queue: string,
    job: Job,
    client: ClientInfo,
    change: { before: unknown; after: unknown },
  ): Promise<void> {
    return this.audit.record({
      action,
      actorUserId: auth.userId,
      targetType: 'queue_job',
      targetId: `${queue}/${job.id}`,
      ...client,
      metadata: { queue, jobId: job.id, jobName: job.name, ...change },
    });
  }
}

function toJobDto(job: Job, queue: string, state: string): JobDto {
  const lastTrace = job.stacktrace?.at(-1);
  return {
    id: job.id!,
    name: job.name,
    queue,
    state,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    failedReason: job.failedReason ? redactString(job.failedReason) : null,
    stacktrace: lastTrace ? redactString(lastTrace.split('\n')[0]) : null,
    data: maskJobData(job.data),
    createdAt: new Date(job.timestamp),
    processedAt: job.processedOn ? new Date(job.processedOn) : null,
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    runAt: job.delay > 0 ? new Date(job.timestamp + job.delay) : null,
  };
}
