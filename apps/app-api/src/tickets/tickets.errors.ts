import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const tickets = defineErrors('tickets', {
  TicketNotFound: { code: 'ticket_not_found', status: 404, title: 'Ticket not found' },
  RequesterNotFound: { code: 'requester_not_found', status: 422, title: 'Requester not found' },
  AssigneeNotMember: {
    code: 'assignee_not_member',
    status: 422,
    title: 'The assignee is not a member of this tenant',
  },
  InvalidTransition: { code: 'invalid_transition', status: 422, title: 'Status change not allowed' },
  PreconditionRequired: { code: 'precondition_required', status: 428, title: 'If-Match required' },
  VersionMismatch: { code: 'version_mismatch', status: 412, title: 'The ticket was changed meanwhile' },
  IdempotencyKeyInProgress: {
    code: 'idempotency_key_in_progress',
    status: 409,
    title: 'A request with this Idempotency-Key is still in progress',
  },
  IdempotencyKeyReused: {
    code: 'idempotency_key_reused',
    status: 422,
    title: 'Idempotency-Key reused with another request',
  },
  NotInTrash: { code: 'not_in_trash', status: 404, title: 'Ticket not in the trash' },
  RestoreExpired: {
    code: 'restore_expired',
    status: 410,
    title: 'The ticket was in the trash for too long to be restored',
  },
  BulkFailed: { code: 'bulk_failed', status: 422, title: 'Bulk update refused; nothing was applied' },
  ConcurrentUpdate: { code: 'concurrent_update', status: 409, title: 'The tickets were changed meanwhile' },
});

export const TicketsErrorCode = tickets.codes;
export type TicketsErrorCode = CodeOf<typeof TicketsErrorCode>;

/** Errors of tickets, rendered as problem details by the global filter. */
export class TicketsException extends tickets.Exception {}
