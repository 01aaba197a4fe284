import { Injectable } from '@nestjs/common';
import type { TenantPrisma, TicketEvent } from '@helpdeskly/database';
import { TenantDatabase } from '@helpdeskly/tenant-data';
import { eventId } from './event-id';

/** One change to record: who (an agent or a contact), which field, from, to. */
export interface TicketEventInput {
  readonly ticketId: string;
  readonly actorUserId?: string | null;
  readonly actorContactId?: string | null;
  /** `created`, a field name (`status`, `assigneeId`, `tags`...), `comment`, `deleted`, `restored`. */
  readonly field: string;
  readonly fromValue?: string | null;
  readonly toValue?: string | null;
}

/** A ticket's history. Events are written inside the transaction of the change they describe. */
@Injectable()
export class TicketEventsRepository {
  constructor(private readonly db: TenantDatabase) {}

  async record(tx: TenantPrisma.TransactionClient, event: TicketEventInput): Promise<void> {
    await tx.ticketEvent.create({ data: toRow(event) });
  }

  async recordMany(tx: TenantPrisma.TransactionClient, events: readonly TicketEventInput[]): Promise<void> {
    if (events.length > 0) await tx.ticketEvent.createMany({ data: events.map(toRow) });
  }

  /** Oldest first, and in the order written within one change. The caller checks that the ticket is visible (not trashed) first. */
  list(ticketId: string): Promise<TicketEvent[]> {
    return this.db
      .client()
      .ticketEvent.findMany({ where: { ticketId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }
}

const toRow = (e: TicketEventInput) => ({
  id: eventId(),
  ticketId: e.ticketId,
  actorUserId: e.actorUserId ?? null,
  actorContactId: e.actorContactId ?? null,
  field: e.field,
  fromValue: e.fromValue ?? null,
  toValue: e.toValue ?? null,
});
