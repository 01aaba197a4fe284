import { TicketStatus } from '@helpdeskly/database';
import { TicketsErrorCode, TicketsException } from './tickets.errors';

/**
 * The allowed status changes. Nothing goes back to NEW (it only means "nobody looked yet"), only a
 * SOLVED ticket can be CLOSED, and CLOSED is final (a follow-up is a new ticket). Keeping a
 * status is no transition and always allowed.
 */
export const TICKET_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  [TicketStatus.NEW]: [TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.SOLVED],
  [TicketStatus.OPEN]: [TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.SOLVED],
  [TicketStatus.PENDING]: [TicketStatus.OPEN, TicketStatus.ON_HOLD, TicketStatus.SOLVED],
  [TicketStatus.ON_HOLD]: [TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.SOLVED],
  [TicketStatus.SOLVED]: [TicketStatus.OPEN, TicketStatus.CLOSED],
  [TicketStatus.CLOSED]: [],
};

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return from === to || TICKET_TRANSITIONS[from].includes(to);
}

/** Throws 422 `invalid_transition` when `from` may not become `to`. */
export function assertTransition(from: TicketStatus, to: TicketStatus): void {
  if (!canTransition(from, to)) {
    const allowed = TICKET_TRANSITIONS[from];
    throw new TicketsException(
      TicketsErrorCode.InvalidTransition,
      `A ${from} ticket cannot become ${to}; allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none (final)'}.`,
      { extensions: { from, to, allowed } },
    );
  }
}
