import { Injectable } from '@nestjs/common';
import { TRASH_RETENTION_DAYS } from '@helpdeskly/tenant-data';
import { AttachmentsService } from '../attachments/attachments.service';
import { DEFAULT_PAGE_SIZE } from '../contacts/contacts.service';
import type { PageQueryDto } from '../contacts/dto/contact.dto';
import type { TenantContext } from '../tenancy/tenant-context';
import { type TicketDto, toTicketDto } from './dto/ticket.dto';
import { type TrashedTicketDto, type TrashPageDto } from './dto/trash.dto';
import { TicketEventsRepository } from './ticket-events.repository';
import { TicketsErrorCode, TicketsException } from './tickets.errors';
import { type TicketRecord, TicketsRepository } from './tickets.repository';

/** How long a trashed ticket can be restored (the worker purges it after that). */
export const TRASH_RETENTION_MS = TRASH_RETENTION_DAYS * 24 * 60 * 60 * 1000;

/** Deleting moves a ticket to the trash; it can be restored for 30 days, or purged. */
@Injectable()
export class TrashService {
  constructor(
    private readonly tickets: TicketsRepository,
    private readonly events: TicketEventsRepository,
    private readonly attachments: AttachmentsService,
  ) {}

  async trash(tenant: TenantContext, id: string): Promise<void> {
    const trashed = await this.tickets.transaction(async (tx) => {
      if (!(await this.tickets.trash(tx, id, tenant.userId, new Date()))) return false;
      await this.events.record(tx, { ticketId: id, actorUserId: tenant.userId, field: 'deleted' });
      return true;
    });
    if (!trashed) throw new TicketsException(TicketsErrorCode.TicketNotFound);
  }

  async restore(tenant: TenantContext, id: string): Promise<TicketDto> {
    const ticket = await this.tickets.findTrashed(id);
    if (!ticket?.deletedAt) throw new TicketsException(TicketsErrorCode.NotInTrash);
    if (Date.now() - ticket.deletedAt.getTime() > TRASH_RETENTION_MS)
      throw new TicketsException(
        TicketsErrorCode.RestoreExpired,
        'Tickets can be restored for 30 days after their deletion.',
      );
    const deletedAt = ticket.deletedAt;
    const restored = await this.tickets.transaction(async (tx) => {
      if (!(await this.tickets.restore(tx, id, deletedAt))) return null;
      await this.events.record(tx, { ticketId: id, actorUserId: tenant.userId, field: 'restored' });
      return this.tickets.findById(id, tx);
    });
    if (!restored) throw new TicketsException(TicketsErrorCode.NotInTrash);
    return toTicketDto(restored);
  }

  async list(query: PageQueryDto): Promise<TrashPageDto> {
    const page = await this.tickets.listTrash(query.cursor, query.limit ?? DEFAULT_PAGE_SIZE);
    return { items: page.items.map(toTrashedTicketDto), nextCursor: page.nextCursor };
  }

  /** For good: its files first (a storage outage leaves the ticket in the trash, 503), then its row. */
  async purge(tenant: TenantContext, id: string): Promise<void> {
    const ticket = await this.tickets.findTrashed(id);
    if (!ticket?.deletedAt) throw new TicketsException(TicketsErrorCode.NotInTrash);
    await this.attachments.deleteFilesOfTicket(tenant.tenantId, id);
    if (!(await this.tickets.purge(id))) throw new TicketsException(TicketsErrorCode.NotInTrash);
  }
}

const toTrashedTicketDto = (t: TicketRecord): TrashedTicketDto => ({
  ...toTicketDto(t),
  deletedAt: t.deletedAt!,
  deletedById: t.deletedById,
  restorableUntil: new Date(t.deletedAt!.getTime() + TRASH_RETENTION_MS),
});
