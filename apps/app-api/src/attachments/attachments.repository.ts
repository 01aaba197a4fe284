import { Injectable } from '@nestjs/common';
import type { Attachment } from '@helpdeskly/database';
import { TenantDatabase } from '@helpdeskly/tenant-data';

export type NewAttachment = Attachment;

/** The tenant's attachments rows; the bytes are in object storage (AttachmentsService). */
@Injectable()
export class AttachmentsRepository {
  constructor(private readonly db: TenantDatabase) {}

  async insertMany(rows: readonly NewAttachment[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.client().attachment.createMany({ data: [...rows] });
  }

  /** The files of a ticket outside the trash, oldest first; null when there is no such ticket. */
  async listOfTicket(ticketId: string): Promise<Attachment[] | null> {
    const ticket = await this.db.client().ticket.findFirst({
      where: { id: ticketId, deletedAt: null },
      select: { attachments: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    });
    return ticket?.attachments ?? null;
  }

  /** The files an inbound message brought that its HTML shows (a Content-ID). */
  inlineOfInboundEmail(inboundEmailId: string): Promise<Attachment[]> {
    return this.db.client().attachment.findMany({ where: { inboundEmailId, contentId: { not: null } } });
  }

  /** One attachment whose ticket is outside the trash. */
  find(id: string): Promise<Attachment | null> {
    return this.db.client().attachment.findFirst({ where: { id, ticket: { deletedAt: null } } });
  }

  /** Raw copies of the messages a ticket was made of (its inbound_emails rows go with it). */
  async rawKeysOfTicket(ticketId: string): Promise<string[]> {
    const rows = await this.db.client().inboundEmail.findMany({
      where: { ticketId, rawKey: { not: null } },
      select: { rawKey: true },
    });
    return rows.map((r) => r.rawKey!);
  }

  /** Bytes of attachments the tenant keeps, against its quota. */
  async usedBytes(): Promise<number> {
    const { _sum } = await this.db.client().attachment.aggregate({ _sum: { size: true } });
    return _sum.size ?? 0;
  }
}
