import { DomainException } from '@helpdeskly/errors';

export enum MailErrorCode {
  QueueUnavailable = 'email_queue_unavailable',
}

const MAIL_ERRORS: Readonly<Record<MailErrorCode, { status: number; title: string }>> = {
  [MailErrorCode.QueueUnavailable]: { status: 503, title: 'Email queue unavailable' },
};

export class MailException extends DomainException<MailErrorCode> {
  constructor(
    readonly code: MailErrorCode,
    detail?: string,
    options: { cause?: unknown } = {},
  ) {
    super(MAIL_ERRORS, code, detail);
    // Kept for the log; the filter never renders it.
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
