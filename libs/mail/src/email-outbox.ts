import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { addJob, DEFAULT_JOB_OPTIONS, jobId, QUEUES } from '@helpdeskly/queues';
import type { EmailMessage, EmailTemplate } from './email.types';
import { MailErrorCode, MailException } from './mail.errors';
import { reportQueueErrors } from './queue-errors';

export type EmailRequest = EmailMessage & {
  /** Identifies the email among its template's (e.g. the token's id): enqueueing it again is a no-op. */
  readonly key: string;
};

// Longer than the relay's: a person waits for this answer, and a 503 makes them try again.
const ENQUEUE_TIMEOUT_MS = 5_000;

/** Id of the job of one email: BullMQ ignores an add whose id exists, which makes a retry idempotent. */
export const emailJobId = (template: EmailTemplate, key: string) => jobId(template, key);

/**
 * Puts emails on the queue `email` (REDIS_URL); the EmailProcessor renders and sends them. For
 * emails caused by a request that must not be lost with the request's own writes, app-api writes
 * them to its tenant outbox in the same transaction and relays them here.
 */
@Injectable()
export class EmailOutbox implements OnModuleInit {
  private readonly logger = new Logger(EmailOutbox.name);

  constructor(@InjectQueue(QUEUES.email) private readonly queue: Queue<EmailMessage>) {}

  onModuleInit(): void {
    reportQueueErrors(this.queue, this.logger);
  }

  /** Enqueues the email; returns its job id. 503 `email_queue_unavailable` when Redis does not answer in time. */
  async enqueue(request: EmailRequest): Promise<string> {
    const { key, ...message } = request;
    const id = emailJobId(message.template, key);
    try {
      await addJob(
        this.queue,
        message.template,
        message as EmailMessage,
        { ...DEFAULT_JOB_OPTIONS, jobId: id },
        ENQUEUE_TIMEOUT_MS,
      );
      return id;
    } catch (error) {
      throw new MailException(MailErrorCode.QueueUnavailable, 'The email could not be queued; try again shortly.', {
        cause: error,
      });
    }
  }
}
