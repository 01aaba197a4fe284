import { DomainException, type ProblemInit } from '@helpdeskly/errors';

export enum TicketsErrorCode {
  TicketNotFound = 'ticket_not_found',
  RequesterNotFound = 'requester_not_found',
  AssigneeNotMember = 'assignee_not_member',
  InvalidTransition = 'invalid_transition',
  PreconditionRequired = 'precondition_required',
  VersionMismatch = 'version_mismatch',
  IdempotencyKeyInProgress = 'idempotency_key_in_progress',
  IdempotencyKeyReused = 'idempotency_key_reused',
  NotInTrash = 'not_in_trash',
  RestoreExpired = 'restore_expired',
  BulkFailed = 'bulk_failed',
  ConcurrentUpdate = 'concurrent_update',
}

const TICKETS_ERRORS: Readonly<Record<TicketsErrorCode, { status: number; title: string }>> = {
  [TicketsErrorCode.TicketNotFound]: { status: 404, title: 'Ticket not found' },
  [TicketsErrorCode.RequesterNotFound]: { status: 422, title: 'Requester not found' },
  [TicketsErrorCode.AssigneeNotMember]: { status: 422, title: 'The assignee is not a member of this tenant' },
  [TicketsErrorCode.InvalidTransition]: { status: 422, title: 'Status change not allowed' },
  [TicketsErrorCode.PreconditionRequired]: { status: 428, title: 'If-Match required' },
  [TicketsErrorCode.VersionMismatch]: { status: 412, title: 'The ticket was changed meanwhile' },
  [TicketsErrorCode.IdempotencyKeyInProgress]: {
    status: 409,
    title: 'A request with this Idempotency-Key is still in progress',
  },
  [TicketsErrorCode.IdempotencyKeyReused]: { status: 422, title: 'Idempotency-Key reused with another request' },
  [TicketsErrorCode.NotInTrash]: { status: 404, title: 'Ticket not in the trash' },
  [TicketsErrorCode.RestoreExpired]: { status: 410, title: 'The ticket was in the trash for too long to be restored' },
  [TicketsErrorCode.BulkFailed]: { status: 422, title: 'Bulk update refused; nothing was applied' },
  [TicketsErrorCode.ConcurrentUpdate]: { status: 409, title: 'The tickets were changed meanwhile' },
};

/** Errors of tickets, rendered as problem details by the global filter. */
export class TicketsException extends DomainException<TicketsErrorCode> {
  constructor(
    readonly code: TicketsErrorCode,
    detail?: string,
    extra: Omit<ProblemInit, 'status' | 'code' | 'title' | 'detail'> = {},
  ) {
    super(TICKETS_ERRORS, code, detail, extra);
  }
}
