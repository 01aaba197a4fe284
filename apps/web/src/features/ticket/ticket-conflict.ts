// A change refused with 412 lost to someone else's: the console reloads the ticket and says what
// the other person changed, so the agent can decide again instead of overwriting blindly.
import type { AppApiSchemas } from '@helpdeskly/sdk';
import { humanize } from '../../lib/format';

export type Ticket = AppApiSchemas['TicketDto'];

type Named = (userId: string | null) => string;

/** What differs between the ticket the agent saw and the one read after the conflict. */
export function describeChanges(before: Ticket, after: Ticket, nameOf: Named): string[] {
  const changes: string[] = [];
  if (before.subject !== after.subject) changes.push('the subject');
  if (before.status !== after.status) changes.push(`status ${humanize(before.status)} → ${humanize(after.status)}`);
  if (before.priority !== after.priority)
    changes.push(`priority ${humanize(before.priority)} → ${humanize(after.priority)}`);
  if (before.assigneeId !== after.assigneeId)
    changes.push(`assignee ${nameOf(before.assigneeId)} → ${nameOf(after.assigneeId)}`);
  if (before.tags.join() !== after.tags.join()) changes.push(`tags ${after.tags.join(', ') || 'none'}`);
  if (before.description !== after.description) changes.push('the description');
  return changes;
}

/** The sentence shown above the ticket after a 412. */
export function conflictMessage(before: Ticket, after: Ticket | undefined, nameOf: Named): string {
  const lead = 'Someone else changed this ticket while you were looking at it, so your change was not saved.';
  if (after === undefined) return `${lead} Reload it and make your change again.`;
  const changes = describeChanges(before, after, nameOf);
  const what = changes.length > 0 ? ` They changed ${changes.join('; ')}.` : '';
  return `${lead}${what} It is reloaded: make your change again if it still applies.`;
}
