// SLA due times as an agent reads them: what is due next on a ticket, and how long is left.
import type { AppApiSchemas } from '@helpdeskly/sdk';

type Ticket = Pick<
  AppApiSchemas['TicketDto'],
  'status' | 'firstResponseDueAt' | 'firstRespondedAt' | 'resolutionDueAt'
>;

export type DueTone = 'ok' | 'soon' | 'overdue';

export interface DueState {
  readonly kind: 'first response' | 'resolution';
  readonly dueAt: string;
  readonly label: string;
  readonly tone: DueTone;
}

/** Within this much of the due time, a ticket is shown as due soon. */
const SOON_MS = 60 * 60 * 1000;

/** "45m", "3h 5m", "2d 4h": the two largest units, rounded down (a minute is the smallest). */
export function formatDuration(ms: number): string {
  const minutes = Math.max(1, Math.floor(Math.abs(ms) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return rest > 0 ? `${hours}h ${rest}m` : `${hours}h`;
  return `${rest}m`;
}

/** "2h 15m left" or "overdue by 3h" for a due time, with its tone. */
export function timeLeft(dueAt: string, now: number): { label: string; tone: DueTone } {
  const left = Date.parse(dueAt) - now;
  if (left < 0) return { label: `overdue by ${formatDuration(left)}`, tone: 'overdue' };
  return { label: `${formatDuration(left)} left`, tone: left <= SOON_MS ? 'soon' : 'ok' };
}

/**
 * The due time that matters now: the first response until an agent replied publicly, then the
 * resolution; nothing for a solved or closed ticket, or one without SLA targets.
 */
export function dueState(ticket: Ticket, now: number): DueState | undefined {
  if (ticket.status === 'SOLVED' || ticket.status === 'CLOSED') return undefined;
  if (ticket.firstRespondedAt === null && ticket.firstResponseDueAt !== null)
    return { kind: 'first response', dueAt: ticket.firstResponseDueAt, ...timeLeft(ticket.firstResponseDueAt, now) };
  if (ticket.resolutionDueAt !== null)
    return { kind: 'resolution', dueAt: ticket.resolutionDueAt, ...timeLeft(ticket.resolutionDueAt, now) };
  return undefined;
}
