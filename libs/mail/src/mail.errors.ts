import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const mail = defineErrors('mail', {
  QueueUnavailable: { code: 'email_queue_unavailable', status: 503, title: 'Email queue unavailable' },
});

export const MailErrorCode = mail.codes;
export type MailErrorCode = CodeOf<typeof MailErrorCode>;

export class MailException extends mail.Exception {}
