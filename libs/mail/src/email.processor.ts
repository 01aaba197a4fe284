import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type Job, type Queue, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq';
import { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { QueueConnections, QUEUES } from '@helpdeskly/queues';
import { RedisClient } from '@helpdeskly/redis';
import { BreakerOpenError } from '@helpdeskly/resilience';
import type { EmailMessage } from './email.types';
import { isPermanentRejection, isSmtpUnreachable, SmtpMailer } from './smtp-mailer';
import { renderEmail } from './templates/render';

/** Marks a job whose message the SMTP server accepted, so a retry of it never sends it again. */
export const sentKey = (jobId: string) => `email:sent:${jobId}`;
const SENT_TTL_SECONDS = 7 * 86_400;
/** Shortest wait of the queue after the SMTP server could not be reached. */
const MIN_WAIT_MS = 1_000;

/**
 * @nestjs/bullmq takes worker options from the decorator only, and creates the worker in
 * BullRegistrar.onModuleInit, after every provider is constructed: the constructor fills this
 * object with the runtime configuration before the worker reads it.
 */
const WORKER_OPTIONS: Partial<WorkerOptions> = {};

/**
 * Renders and sends the jobs of the queue `email`. Towards the SMTP server each job is sent
 * once as far as it can be: a job whose message was accepted is marked in Redis right away and a
 * retry (worker killed after the server's answer, lock lost) skips it; the Message-ID is the job's,
 * so a receiver can still drop the rare duplicate. While the server is unreachable (or its breaker
 * open) the whole queue waits (BullMQ rate limit) without spending attempts; a permanent rejection
 * (5xx) fails the job at once; a transient one is retried with backoff.
 */
@Processor(QUEUES.email, WORKER_OPTIONS)
export class EmailProcessor extends WorkerHost {
  private readonly logger = new Logger(EmailProcessor.name);

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisClient,
    private readonly mailer: SmtpMailer,
    private readonly metrics: MetricsRegistry,
    @InjectQueue(QUEUES.email) private readonly queue: Queue<EmailMessage>,
    connections: QueueConnections,
  ) {
    super();
    const { emailConcurrency, lockDurationMs } = config.queues;
    Object.assign(WORKER_OPTIONS, {
      concurrency: emailConcurrency,
      lockDuration: lockDurationMs,
      // A job whose worker died is taken again within about two lock durations.
      stalledInterval: lockDurationMs,
      // The producers' connection fails fast while Redis is down; a worker just waits for it
      // (REDIS_URL, or the cluster of QUEUE_REDIS_CLUSTER_NODES).
      connection: connections.forWorker(),
    } satisfies Partial<WorkerOptions>);
  }

  async process(job: Job<EmailMessage>): Promise<{ messageId: string; skipped?: true }> {
    const message = job.data;
    const id = job.id!;
    const rendered = renderEmail(message, id, { frontendUrl: this.config.http.frontendUrl, senderName: message.senderName ?? this.config.mail.fromName });
    if (await this.redis.exists(sentKey(id))) {
      this.metrics.emails.inc({ template: message.template, outcome: 'duplicate' });
      return { messageId: rendered.messageId, skipped: true };
    }
    try {
      await this.mailer.send({ ...rendered, to: message.to, senderName: message.senderName ?? this.config.mail.fromName });
    } catch (error) {
      throw await this.failure(job, error);
    }
    await this.redis.set(sentKey(id), rendered.messageId, 'EX', SENT_TTL_SECONDS);
    this.metrics.emails.inc({ template: message.template, outcome: 'sent' });
    return { messageId: rendered.messageId };
  }

  /** What to throw for a failed send: wait for the server, fail for good, or retry later. */
  private async failure(job: Job<EmailMessage>, error: unknown): Promise<Error> {
    const { template } = job.data;
    if (error instanceof BreakerOpenError || isSmtpUnreachable(error)) {
      const waitMs = Math.max(MIN_WAIT_MS, error instanceof BreakerOpenError ? error.retryInMs : 0);
      if (!(error instanceof BreakerOpenError)) this.logger.warn({ err: error, jobId: job.id, template }, 'SMTP server unreachable; the email waits');
      await this.queue.rateLimit(waitMs);
      return Worker.RateLimitError();
    }
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (isPermanentRejection(error) || lastAttempt) {
      this.metrics.emails.inc({ template, outcome: 'failed' });
      this.logger.error({ err: error, jobId: job.id, template }, 'email not delivered');
      return isPermanentRejection(error) ? new UnrecoverableError(`SMTP rejected the email: ${(error as Error).message}`) : (error as Error);
    }
    this.logger.warn({ err: error, jobId: job.id, template, attempt: job.attemptsMade + 1 }, 'email delivery failed; retrying with backoff');
    return error as Error;
  }
}
