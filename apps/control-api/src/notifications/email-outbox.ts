import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QUEUES } from '@helpdeskly/queues';
import { NotificationsErrorCode, NotificationsException } from './notifications.errors';

/** The BullMQ queue of outgoing emails, on REDIS_URL. */
export const EMAIL_QUEUE = QUEUES.email;

/** What each email template needs; the link carries a one-time token, so a job is as secret as the email. */
export interface EmailTemplates {
  'password-reset': { readonly name: string; readonly link: string; readonly expiresAt: string };
  invitation: { readonly tenantName: string; readonly inviterName: string | null; readonly role: string; readonly link: string; readonly expiresAt: string };
}
export type EmailTemplate = keyof EmailTemplates;

/** The data of one job of the email queue. */
export type EmailMessage = { [T in EmailTemplate]: { readonly template: T; readonly to: string; readonly data: EmailTemplates[T] } }[EmailTemplate];

export type EmailRequest = EmailMessage & {
  /** Identifies the email among its template's (e.g. the token's id): enqueueing it again is a no-op. */
  readonly key: string;
};

// A delivery that keeps failing stays in the failed set for an operator (removeOnFail: false);
// completed ones are kept a day, at most a thousand, for troubleshooting.
const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 86_400, count: 1_000 },
  removeOnFail: false,
} as const;
// BullMQ waits for Redis forever; a request must not.
const ENQUEUE_TIMEOUT_MS = 5_000;

/** Id of the job of one email: BullMQ ignores an add whose id exists, which makes a retry idempotent. */
export const emailJobId = (template: EmailTemplate, key: string) => `${template}-${key}`;

/**
 * Outbox of the emails control-api sends (password reset, invitation). It only enqueues: the
 * worker that delivers them over SMTP comes with the Redis issue.
 */
@Injectable()
export class EmailOutbox implements OnModuleInit {
  private readonly logger = new Logger(EmailOutbox.name);

  constructor(@InjectQueue(EMAIL_QUEUE) private readonly queue: Queue<EmailMessage>) {}

  onModuleInit(): void {
    let reported = false;
    // Without a listener an 'error' event would crash the process; ioredis emits one per failed
    // reconnection, so only the first is a warning.
    this.queue.on('error', (error) => {
      if (reported) this.logger.debug({ err: error }, 'email queue: Redis connection error');
      else this.logger.warn({ err: error }, 'email queue: Redis connection error; retrying in the background');
      reported = true;
    });
  }

  /** Enqueues the email; returns its job id. 503 `email_queue_unavailable` when Redis does not answer in time. */
  async enqueue(request: EmailRequest): Promise<string> {
    const { key, ...message } = request;
    const jobId = emailJobId(message.template, key);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NotificationsException(NotificationsErrorCode.QueueUnavailable, 'The email could not be queued; try again shortly.')), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.queue.add(message.template, message as EmailMessage, { ...JOB_OPTIONS, jobId }), timeout]);
      return jobId;
    } catch (error) {
      if (error instanceof NotificationsException) throw error;
      throw new NotificationsException(NotificationsErrorCode.QueueUnavailable, 'The email could not be queued; try again shortly.', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
