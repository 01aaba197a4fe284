import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { DelayedError, type Job, type Queue, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq';
import { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { QueueConnections, QUEUES } from '@helpdeskly/queues';
import { BreakerOpenError } from '@helpdeskly/resilience';
import { EmailDeliveryRepository } from './email-delivery.repository';
import type { EmailMessage } from './email.types';
import { isPermanentRejection, isSmtpUnreachable, SmtpMailer } from './smtp-mailer';
import { renderEmail } from './templates/render';

/** Shortest wait of the queue after the SMTP server could not be reached. */
const MIN_WAIT_MS = 1_000;
/** Marking an accepted email SENT is retried until it lands (or the worker closes), at most this far apart. */
const MARK_SENT_MAX_WAIT_MS = 2_000;

/**
 * @nestjs/bullmq takes worker options from the decorator only, and creates the worker in
 * BullRegistrar.onModuleInit, after every provider is constructed: the constructor fills this
 * object with the runtime configuration before the worker reads it.
 */
const WORKER_OPTIONS: Partial<WorkerOptions> = {};

/**
 * Renders and sends the jobs of the queue `email`. While the server is unreachable (or its breaker
 * open) the whole queue waits (BullMQ rate limit) without spending attempts; a permanent rejection
 * (5xx) fails the job at once; a transient one is retried with backoff.
 *
 * Never twice the same Message-ID. The Message-ID is the job's (`<job id@helpdeskly>`), and the
 * job id is fixed when the email is enqueued (app-api: its outbox row's id; control-api: template
 * and key), so every attempt of an email carries the same one. Its send is recorded in the control
 * database (email_deliveries), which a Redis outage does not touch:
 * - before talking to the server an attempt claims the row for one lock duration. Already SENT:
 *   the job completes without sending (logged, `helpdeskly_emails_total{outcome="duplicate"}`).
 *   Claimed by an attempt that may still be sending (a job retaken after its lock was lost): the
 *   job waits until that claim ends. PostgreSQL unreachable: the attempt fails and is retried
 *   with backoff, and nothing is sent without a record;
 * - once the server accepted the message the row is marked SENT, before the job completes; while
 *   PostgreSQL is unreachable the mark is retried until it lands (the job stays active, its lock
 *   renewed), and the accept is remembered in the process, so that an attempt of the same email
 *   taken here meanwhile (its lock lost to a Redis outage) records it instead of sending it. A
 *   failed send releases the claim.
 * SMTP has no exactly-once. An accept that was recorded, or that this process remembers, is never
 * sent again, whatever happens to Redis or PostgreSQL after it. When the outcome is unknown (the
 * worker killed or closed between the accept and the record, the answer to DATA lost or timed
 * out) the row stays SENDING and the next attempt sends again, with the same Message-ID,
 * which receivers use to drop the duplicate: we prefer that rare duplicate to losing an email
 * such as a password-reset link.
 */
@Processor(QUEUES.email, WORKER_OPTIONS)
export class EmailProcessor extends WorkerHost {
  private readonly logger = new Logger(EmailProcessor.name);
  private readonly claimMs: number;
  /** Message-IDs the server accepted whose SENT mark has not landed yet, with the server's answer. */
  private readonly acceptedUnrecorded = new Map<string, string>();

  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: EmailDeliveryRepository,
    private readonly mailer: SmtpMailer,
    private readonly metrics: MetricsRegistry,
    @InjectQueue(QUEUES.email) private readonly queue: Queue<EmailMessage>,
    connections: QueueConnections,
  ) {
    super();
    const { emailConcurrency, lockDurationMs } = config.queues;
    // As long as BullMQ's own lock: an attempt still sending past it may have lost its job too.
    this.claimMs = lockDurationMs;
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

  async process(job: Job<EmailMessage>, token?: string): Promise<{ messageId: string; skipped?: true }> {
    const message = job.data;
    const { template } = message;
    const senderName = message.senderName ?? this.config.mail.fromName;
    const rendered = renderEmail(message, job.id!, {
      frontendUrl: this.config.http.frontendUrl,
      senderName,
      inboundDomain: this.config.inbound.domain,
    });
    const { messageId } = rendered;

    const accepted = this.acceptedUnrecorded.get(messageId);
    if (accepted !== undefined) {
      await this.markSent(messageId, accepted).catch((error: unknown) => {
        throw this.unrecorded(
          job,
          error,
          'an earlier attempt had the email accepted but PostgreSQL has not recorded it yet: the job retries',
        );
      });
      this.logger.log(
        { jobId: job.id, template, messageId },
        'email accepted by an earlier attempt; recorded, not sent again',
      );
      this.metrics.emails.inc({ template, outcome: 'duplicate' });
      return { messageId, skipped: true };
    }

    const claim = await this.deliveries.claim(messageId, template, this.claimMs).catch((error: unknown) => {
      throw this.unrecorded(
        job,
        error,
        'PostgreSQL did not record the attempt: the email is not sent, and the job retries with backoff',
      );
    });
    if (claim.kind === 'sent') {
      this.logger.log(
        { jobId: job.id, template, messageId, sentAt: claim.sentAt },
        'email already sent; the job completes without sending it again',
      );
      this.metrics.emails.inc({ template, outcome: 'duplicate' });
      return { messageId, skipped: true };
    }
    if (claim.kind === 'busy') {
      this.logger.warn(
        { jobId: job.id, template, messageId, claimedUntil: claim.claimedUntil },
        'another attempt may still be sending the email; the job waits for its claim to end',
      );
      await job.moveToDelayed(claim.claimedUntil.getTime(), token);
      throw new DelayedError();
    }

    let response: string;
    try {
      response = await this.mailer.send({ ...rendered, to: message.to, cc: message.cc, senderName });
    } catch (error) {
      await this.deliveries
        .release(messageId, (error as Error).message)
        .catch((e: unknown) => this.logger.debug({ err: e, messageId }, 'claim not released; it ends with its lease'));
      throw await this.failure(job, error);
    }
    this.metrics.emails.inc({ template, outcome: 'sent' });
    this.acceptedUnrecorded.set(messageId, response);
    await this.markSent(messageId, response).catch((error: unknown) => {
      throw this.unrecorded(
        job,
        error,
        'the SMTP server accepted the email but the worker closed before PostgreSQL recorded it: the retry sends it again',
      );
    });
    return { messageId };
  }

  /** Records the accept, retrying while PostgreSQL is unreachable, until it lands or the worker closes. */
  private async markSent(messageId: string, response: string): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await this.deliveries.markSent(messageId, response);
        this.acceptedUnrecorded.delete(messageId);
        return;
      } catch (error) {
        if (this.worker.closing) throw error;
        if (tries === 1)
          this.logger.warn(
            { err: error, messageId },
            'the accepted email is not recorded yet; retrying until PostgreSQL answers',
          );
        await new Promise((r) => setTimeout(r, Math.min(MARK_SENT_MAX_WAIT_MS, 250 * tries)));
      }
    }
  }

  /** What to throw when the send record could not be read or written: the attempt fails and is retried. */
  private unrecorded(job: Job<EmailMessage>, error: unknown, what: string): Error {
    const { template } = job.data;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (lastAttempt) this.metrics.emails.inc({ template, outcome: 'failed' });
    this.logger[lastAttempt ? 'error' : 'warn'](
      { err: error, jobId: job.id, template, attempt: job.attemptsMade + 1 },
      what,
    );
    return error as Error;
  }

  /** What to throw for a failed send: wait for the server, fail for good, or retry later. */
  private async failure(job: Job<EmailMessage>, error: unknown): Promise<Error> {
    const { template } = job.data;
    if (error instanceof BreakerOpenError || isSmtpUnreachable(error)) {
      const waitMs = Math.max(MIN_WAIT_MS, error instanceof BreakerOpenError ? error.retryInMs : 0);
      if (!(error instanceof BreakerOpenError))
        this.logger.warn({ err: error, jobId: job.id, template }, 'SMTP server unreachable; the email waits');
      await this.queue.rateLimit(waitMs);
      return Worker.RateLimitError();
    }
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (isPermanentRejection(error) || lastAttempt) {
      this.metrics.emails.inc({ template, outcome: 'failed' });
      this.logger.error({ err: error, jobId: job.id, template }, 'email not delivered');
      return isPermanentRejection(error)
        ? new UnrecoverableError(`SMTP rejected the email: ${(error as Error).message}`)
        : (error as Error);
    }
    this.logger.warn(
      { err: error, jobId: job.id, template, attempt: job.attemptsMade + 1 },
      'email delivery failed; retrying with backoff',
    );
    return error as Error;
  }
}
