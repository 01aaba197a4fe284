import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const emailAliases = defineErrors('email-aliases', {
  NotFound: { code: 'email_alias_not_found', status: 404, title: 'Email alias not found' },
  Exists: { code: 'email_alias_exists', status: 409, title: 'The tenant already has this alias' },
  LimitReached: { code: 'email_alias_limit_reached', status: 422, title: 'The tenant has as many aliases as allowed' },
  InboundDisabled: {
    code: 'inbound_email_disabled',
    status: 409,
    title: 'Mail to tickets is not set up on this deployment',
  },
});

export const EmailAliasesErrorCode = emailAliases.codes;
export type EmailAliasesErrorCode = CodeOf<typeof EmailAliasesErrorCode>;

/** Errors of a tenant's email aliases, rendered as problem details by the global filter. */
export class EmailAliasesException extends emailAliases.Exception {}
