import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const inboundEmail = defineErrors('inbound-email', {
  InboundEmailNotFound: { code: 'inbound_email_not_found', status: 404, title: 'Inbound email not found' },
});

export const InboundEmailErrorCode = inboundEmail.codes;
export type InboundEmailErrorCode = CodeOf<typeof InboundEmailErrorCode>;

/** Errors of the inbound email record, rendered as problem details by the global filter. */
export class InboundEmailException extends inboundEmail.Exception {}
