import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const mailChannels = defineErrors('mail-channels', {
  NotFound: { code: 'mail_channel_not_found', status: 404, title: 'Mail channel not found' },
  AlreadyConnected: {
    code: 'mail_channel_exists',
    status: 409,
    title: 'This mailbox is already connected',
  },
  LoginFailed: { code: 'mail_channel_login_failed', status: 422, title: 'The IMAP server refused the login' },
  Unreachable: { code: 'mail_channel_unreachable', status: 422, title: 'The IMAP server cannot be reached' },
  MailboxNotFound: { code: 'mail_channel_mailbox_not_found', status: 422, title: 'No such mailbox on the IMAP server' },
});

export const MailChannelsErrorCode = mailChannels.codes;
export type MailChannelsErrorCode = CodeOf<typeof MailChannelsErrorCode>;

/** Errors of a tenant's mail channels, rendered as problem details by the global filter. */
export class MailChannelsException extends mailChannels.Exception {}
