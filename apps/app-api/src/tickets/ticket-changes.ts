import { type Ticket, TicketStatus, type TicketPriority, type TicketType } from '@helpdeskly/database';
import { dueTimes, type SlaTargets } from '../settings/sla';
import { assertTransition } from './ticket-status';
import type { TicketChanges } from './tickets.repository';

/** What a PATCH or a bulk update asks for; undefined leaves a field as it is. */
export interface TicketChangeInput {
  readonly subject?: string;
  readonly description?: string;
  readonly status?: TicketStatus;
  readonly priority?: TicketPriority;
  readonly type?: TicketType;
  /** null unassigns. */
  readonly assigneeId?: string | null;
}

export interface FieldChange {
  readonly field: string;
  readonly fromValue: string | null;
  readonly toValue: string | null;
}

export interface ChangePlan {
  readonly changes: TicketChanges;
  /** One per changed field, for the ticket's history. */
  readonly events: FieldChange[];
}

type Current = Pick<
  Ticket,
  'subject' | 'description' | 'status' | 'priority' | 'type' | 'assigneeId' | 'createdAt' | 'solvedAt'
>;

const SIMPLE_FIELDS = ['subject', 'description', 'priority', 'type', 'assigneeId'] as const;

/**
 * The row changes and events of `input` applied to `current`, by the rules of the helpdesk:
 * transitions are enforced (422 `invalid_transition`), a NEW ticket that gets an assignee becomes
 * OPEN, SOLVED sets solvedAt and reopening clears it, CLOSED sets closedAt, and a new priority
 * recomputes the due times from the creation time with the tenant's SLA.
 */
export function planChanges(current: Current, input: TicketChangeInput, now: Date, sla: SlaTargets): ChangePlan {
  const changes: Record<string, unknown> = {};
  const events: FieldChange[] = [];
  for (const field of SIMPLE_FIELDS) {
    const value = input[field];
    if (value !== undefined && value !== current[field]) {
      changes[field] = value;
      events.push({ field, fromValue: current[field], toValue: value });
    }
  }

  const assigneeId = input.assigneeId !== undefined ? input.assigneeId : current.assigneeId;
  let status = input.status ?? current.status;
  if (status === TicketStatus.NEW && assigneeId !== null) status = TicketStatus.OPEN;
  if (status !== current.status) {
    assertTransition(current.status, status);
    changes.status = status;
    events.push({ field: 'status', fromValue: current.status, toValue: status });
    if (status === TicketStatus.SOLVED) changes.solvedAt = now;
    else if (status === TicketStatus.CLOSED) changes.closedAt = now;
    else if (current.solvedAt) changes.solvedAt = null;
  }

  if (changes.priority !== undefined)
    Object.assign(changes, dueTimes(sla, changes.priority as TicketPriority, current.createdAt));
  return { changes: changes as TicketChanges, events };
}
