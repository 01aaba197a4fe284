import { DomainException } from '@helpdeskly/errors';

export enum NotificationsErrorCode {
  QueueUnavailable = 'email_queue_unavailable',
}

const NOTIFICATIONS_ERRORS: Readonly<Record<NotificationsErrorCode, { status: number; title: string }>> = {
  [NotificationsErrorCode.QueueUnavailable]: { status: 503, title: 'Email queue unavailable' },
};

export class NotificationsException extends DomainException<NotificationsErrorCode> {
  constructor(
    readonly code: NotificationsErrorCode,
    detail?: string,
    options: { cause?: unknown } = {},
  ) {
    super(NOTIFICATIONS_ERRORS, code, detail);
    // Kept for the log; the filter never renders it.
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
