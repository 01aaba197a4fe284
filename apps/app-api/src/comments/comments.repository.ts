import { Injectable } from '@nestjs/common';
import {
  type Attachment,
  type Comment,
  type CommentFormat,
  type CommentVisibility,
  type Page,
  pageArgs,
  type TenantPrisma,
  type TicketStatus,
  toPage,
} from '@helpdeskly/database';
import { TenantDatabase } from '@helpdeskly/tenant-data';

/** The state of a ticket that the comment rules read, locked for the rest of the transaction. */
export interface LockedTicket {
  readonly id: string;
  readonly number: number;
  readonly subject: string;
  readonly status: TicketStatus;
  readonly assigneeId: string | null;
  readonly requesterId: string;
  /** Who the emails of the comment go to. */
  readonly requester: { readonly name: string; readonly email: string };
  readonly firstRespondedAt: Date | null;
  readonly solvedAt: Date | null;
  readonly replyToken: string;
  readonly ccEmails: readonly string[];
}

export interface NewComment {
  readonly ticketId: string;
  readonly authorUserId: string | null;
  readonly authorContactId: string | null;
  readonly visibility: CommentVisibility;
  readonly format: CommentFormat;
  readonly body: string;
}

export type CommentWithAttachments = Comment & { readonly attachments: readonly Attachment[] };

/** What a comment changes on its ticket besides the version (always bumped). */
export interface TicketChangesOfComment {
  readonly status?: TicketStatus;
  readonly firstRespondedAt?: Date;
  readonly solvedAt?: null;
}

@Injectable()
export class CommentsRepository {
  constructor(private readonly db: TenantDatabase) {}

  transaction<T>(fn: (tx: TenantPrisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.db.client().$transaction(fn);
  }

  /** The ticket (not trashed), row-locked until the transaction ends: concurrent comments apply their rules in turn. */
  async lockTicket(tx: TenantPrisma.TransactionClient, ticketId: string): Promise<LockedTicket | null> {
    const rows = await tx.$queryRaw<
      Array<Omit<LockedTicket, 'requester'> & { requesterName: string; requesterEmail: string }>
    >`
      SELECT t.id, t.number, t.subject, t.status, t.assignee_id AS "assigneeId", t.requester_id AS "requesterId",
             t.first_responded_at AS "firstRespondedAt", t.solved_at AS "solvedAt", c.name AS "requesterName", c.email AS "requesterEmail",
             t.reply_token AS "replyToken", coalesce(t.cc_emails, '{}') AS "ccEmails"
      FROM tickets t JOIN contacts c ON c.id = t.requester_id
      WHERE t.id = ${ticketId}::uuid AND t.deleted_at IS NULL
      FOR UPDATE OF t`;
    const row = rows[0];
    if (!row) return null;
    const { requesterName, requesterEmail, ...ticket } = row;
    return { ...ticket, requester: { name: requesterName, email: requesterEmail } };
  }

  insert(tx: TenantPrisma.TransactionClient, comment: NewComment): Promise<Comment> {
    return tx.comment.create({ data: comment });
  }

  async touchTicket(
    tx: TenantPrisma.TransactionClient,
    ticketId: string,
    changes: TicketChangesOfComment,
  ): Promise<void> {
    await tx.ticket.update({ where: { id: ticketId }, data: { ...changes, version: { increment: 1 } } });
  }

  async ticketExists(ticketId: string): Promise<boolean> {
    return (await this.db.client().ticket.count({ where: { id: ticketId, deletedAt: null } })) > 0;
  }

  /** Oldest first; stable under inserts (ordered by createdAt, then id); each with its files. */
  async list(ticketId: string, cursor: string | undefined, limit: number): Promise<Page<CommentWithAttachments>> {
    const page = toPage(
      await this.db.client().comment.findMany({
        where: { ticketId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        ...pageArgs(cursor, limit),
      }),
      limit,
    );
    const files = await this.db.client().attachment.findMany({
      where: { commentId: { in: page.items.map((c) => c.id) } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return {
      items: page.items.map((c) => ({ ...c, attachments: files.filter((a) => a.commentId === c.id) })),
      nextCursor: page.nextCursor,
    };
  }
}
