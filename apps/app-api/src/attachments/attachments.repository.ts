import { Injectable } from '@nestjs/common';
import { sqltag as sql } from '@prisma/client/runtime/client';
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

  /**
   * The objects of a ticket that are not under its `prefix`: the raw copies of the messages it was
   * made of (its inbound_emails rows go with it) and the attachments that were pending uploads.
   */
  async keysOutsideTicketPrefix(
    ticketId: string,
    prefix: string,
  ): Promise<{ rawKeys: string[]; attachmentKeys: string[] }> {
    const [rows] = await this.db.query<{ rawKeys: string[]; attachmentKeys: string[] }>(
      sql`SELECT ARRAY(SELECT raw_key FROM inbound_emails WHERE ticket_id = ${ticketId}::uuid AND raw_key IS NOT NULL) AS "rawKeys",
                 ARRAY(SELECT storage_key FROM attachments WHERE ticket_id = ${ticketId}::uuid AND left(storage_key, length(${prefix})) <> ${prefix}) AS "attachmentKeys"`,
      'ticketKeysOutsidePrefix',
    );
    return rows;
  }

  /** Bytes the tenant keeps, against its quota: its attachments and its pending uploads. */
  async usedBytes(): Promise<number> {
    const [row] = await this.db.query<{ bytes: string }>(
      sql`SELECT ((SELECT coalesce(sum(size), 0) FROM attachments) + (SELECT coalesce(sum(size), 0) FROM uploads))::text AS bytes`,
      'attachmentBytesUsed',
    );
    return Number(row.bytes);
  }
}
