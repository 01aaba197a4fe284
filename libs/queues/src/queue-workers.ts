import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { type Job, Worker } from 'bullmq';
import { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { QueueConnections } from './queue-connections';
import { QueueProcessor } from './queue-processor';

/**
 * Runs a BullMQ worker for every {@link QueueProcessor} of the application (and instruments those
 * of @nestjs/bullmq's WorkerHost the same way): lock of QUEUE_LOCK_DURATION_MS (renewed while the
 * job runs; a job whose worker died is taken back by the stalled-job check and runs again), the
 * processor's concurrency, and for each attempt a count
 * in `helpdeskly_queue_jobs_processed_total{queue, outcome}` and, on failure, a log line with the
 * queue and job id, never the job's data (it may hold links with one-time tokens). On shutdown it
 * stops taking jobs and waits for the active ones, up to SHUTDOWN_TIMEOUT_MS.
 */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueWorkers.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
    private readonly metrics: MetricsRegistry,
    private readonly connections: QueueConnections,
  ) {}

  /** The queues this process consumes. */
  get queues(): string[] {
    return this.workers.map((worker) => worker.name);
  }

  onApplicationBootstrap(): void {
    const instances = this.discovery.getProviders().map((wrapper) => wrapper.instance as unknown);
    for (const instance of instances) {
      if (instance instanceof QueueProcessor) this.workers.push(this.instrument(this.start(instance)));
      // Workers of @nestjs/bullmq's @Processor() (the email queue) exist by now (BullRegistrar.onModuleInit).
      else if (instance instanceof WorkerHost) this.workers.push(this.instrument(instance.worker));
    }
    this.logger.log({ queues: this.queues }, 'queue workers started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    const timeoutMs = this.config.http.shutdownTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const closed = Promise.all(this.workers.map((worker) => worker.close())).then(() => 'closed' as const);
    const outcome = await Promise.race([closed, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      this.logger.warn({ timeoutMs }, 'jobs still active at shutdown; they run again once their lock expires');
    else this.logger.log({ queues: this.queues }, 'queue workers stopped');
  }

  private start(processor: QueueProcessor): Worker {
    return new Worker(processor.queue, (job: Job) => processor.process(job), {
      connection: this.connections.forWorker(),
      prefix: this.config.queues.prefix,
      concurrency: processor.concurrency,
      lockDuration: this.config.queues.lockDurationMs,
      // Stalled-job recovery: a job whose lock lapsed goes back to wait once, then fails.
      skipStalledCheck: false,
      maxStalledCount: 1,
    });
  }

  private instrument(worker: Worker): Worker {
    const queue = worker.name;
    worker.on('completed', () => this.metrics.jobsProcessed.inc({ queue, outcome: 'completed' }));
    worker.on('failed', (job, error) => {
      const retried = job !== undefined && job.attemptsMade < (job.opts.attempts ?? 1);
      this.metrics.jobsProcessed.inc({ queue, outcome: retried ? 'retried' : 'failed' });
      const context = { queue, jobId: job?.id, jobName: job?.name, attemptsMade: job?.attemptsMade, err: error };
      if (retried) this.logger.warn(context, 'job attempt failed; it will be retried');
      else this.logger.error(context, 'job failed; it stays in the failed set');
    });
    worker.on('stalled', (jobId) =>
      this.logger.warn({ queue, jobId }, 'job stalled (its worker stopped renewing the lock); it runs again'),
    );
    let reported = false;
    // Without a listener an 'error' event would crash the process; one line per Redis outage.
    worker.on('error', (error) => {
      if (!reported) this.logger.warn({ queue, err: error }, 'queue worker error; retrying in the background');
      reported = true;
    });
    worker.on('ready', () => (reported = false));
    return worker;
  }
}
