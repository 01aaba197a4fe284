import { Injectable } from '@nestjs/common';
import { type Sql, sqltag as sql } from '@prisma/client/runtime/client';
import { type InboundEmail, type InboundEmailOutcome, type Page, pageArgs, toPage } from '@helpdeskly/database';
import type { ThreadLookup, ThreadTicket } from '@helpdeskly/inbound-email';
import { TenantDatabase } from '@helpdeskly/tenant-data';

/** What became of a message: the values of the InboundEmailOutcome enum. */
export type InboundOutcome =
  | 'RECEIVED'
  | 'TICKET_CREATED'
  | 'COMMENT_ADDED'
  | 'FOLLOW_UP_CREATED'
  | 'DUPLICATE'
  | 'AUTO_REPLY'
  | 'BULK'
  | 'OWN_ADDRESS'
  | 'BOUNCE'
  | 'REFUSED';

export interface InboundRecord {
  readonly id: string;
  readonly outcome: InboundOutcome;
  readonly ticketId: string | null;
  readonly receivedAt: Date;
}

export interface NewInboundRecord {
  readonly messageId: string;
  readonly fromAddress: string | null;
  readonly recipient: string;
  readonly subject: string;
  readonly rawKey: string | null;
}

export interface InboundResult {
  readonly outcome: InboundOutcome;
  readonly reason?: string | null;
  readonly ticketId?: string | null;
  readonly commentId?: string | null;
}

/** Our ticket emails' thread id (libs/mail's ticketThreadId): `<ticket-<uuid>@helpdeskly>`. */
const THREAD_ID = /^<ticket-([0-9a-f-]{36})@helpdeskly>$/i;

/**
 * The tenant's record of inbound mail (inbound_emails) and what threading reads: Message-IDs we
 * received, our tickets' thread ids, reply tokens, ticket numbers and participants. Runs in the
 * tenant's scope (TenantDatabase.run), so it can only ever read the one tenant's tables.
 */
@Injectable()
export class InboundEmailRepository implements ThreadLookup {
  constructor(private readonly db: TenantDatabase) {}

  /** Runs `fn` in the tenant's scope: every query of it, this repository's and the services', reaches that tenant only. */
  inScopeOf<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    return this.db.run({ tenantId }, fn);
  }

  /**
   * Claims a Message-ID for this delivery: the new row (RECEIVED), or null with the existing
   * record when another delivery claimed it first.
   */
  async claim(record: NewInboundRecord): Promise<{ claimed: InboundRecord | null; existing: InboundRecord | null }> {
    const [claimed] = await this.db.query<InboundRecord>(
      sql`INSERT INTO inbound_emails (id, message_id, from_address, recipient, subject, outcome, raw_key, received_at)
          VALUES (gen_random_uuid(), ${record.messageId}, ${record.fromAddress}, ${record.recipient}, ${record.subject},
                  'RECEIVED', ${record.rawKey}, now())
          ON CONFLICT (message_id) DO NOTHING
          RETURNING ${RECORD_COLUMNS}`,
      'inboundClaim',
    );
    if (claimed) return { claimed, existing: null };
    const [existing] = await this.db.query<InboundRecord>(
      sql`SELECT ${RECORD_COLUMNS} FROM inbound_emails WHERE message_id = ${record.messageId}`,
      'inboundFind',
    );
    return { claimed: null, existing: existing ?? null };
  }

  /** Takes over a claim whose delivery died before it finished (older than `staleBefore`). */
  async takeOver(id: string, staleBefore: Date, rawKey: string | null): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      sql`UPDATE inbound_emails SET received_at = now(), raw_key = coalesce(${rawKey}, raw_key)
          WHERE id = ${id}::uuid AND outcome = 'RECEIVED' AND received_at < ${staleBefore}::timestamptz
          RETURNING id`,
      'inboundTakeOver',
    );
    return rows.length > 0;
  }

  async complete(id: string, result: InboundResult): Promise<void> {
    await this.db.query(
      sql`UPDATE inbound_emails SET outcome = ${result.outcome}::"InboundEmailOutcome", reason = ${result.reason ?? null},
                 ticket_id = ${result.ticketId ?? null}::uuid, comment_id = ${result.commentId ?? null}::uuid
          WHERE id = ${id}::uuid`,
      'inboundComplete',
    );
  }

  /** The record, newest first, optionally of one outcome or one ticket. */
  async list(
    filter: { readonly outcome?: InboundEmailOutcome; readonly ticketId?: string },
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<InboundEmail>> {
    const rows = await this.db.client().inboundEmail.findMany({
      where: { outcome: filter.outcome, ticketId: filter.ticketId },
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      ...pageArgs(cursor, limit),
    });
    return toPage(rows, limit);
  }

  /** One record (its raw message's key with it). */
  find(id: string): Promise<InboundEmail | null> {
    return this.db.client().inboundEmail.findUnique({ where: { id } });
  }

  /** Forgets a claim whose processing failed, so that the sender's retry is processed afresh. */
  async release(id: string): Promise<void> {
    await this.db.query(
      sql`DELETE FROM inbound_emails WHERE id = ${id}::uuid AND outcome = 'RECEIVED'`,
      'inboundRelease',
    );
  }

  /** Tickets (outside the trash) of the Message-IDs we received, and of our own thread ids. */
  async ticketsByMessageIds(ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const threadTickets = new Map<string, string>();
    for (const id of ids) {
      const match = THREAD_ID.exec(id);
      if (match) threadTickets.set(id, match[1]!.toLowerCase());
    }
    const rows = await this.db.query<{ messageId: string; ticketId: string }>(
      sql`SELECT e.message_id AS "messageId", e.ticket_id AS "ticketId"
          FROM inbound_emails e JOIN tickets t ON t.id = e.ticket_id AND t.deleted_at IS NULL
          WHERE e.message_id = ANY(${[...ids]}::text[])
          UNION ALL
          SELECT m.id AS "messageId", t.id AS "ticketId"
          FROM unnest(${[...threadTickets.keys()]}::text[], ${[...threadTickets.values()]}::uuid[]) AS m(id, ticket_id)
          JOIN tickets t ON t.id = m.ticket_id AND t.deleted_at IS NULL`,
      'inboundThreadByIds',
    );
    return new Map(rows.map((r) => [r.messageId, r.ticketId]));
  }

  async ticketByReplyToken(token: string): Promise<string | null> {
    const [row] = await this.db.query<{ id: string }>(
      sql`SELECT id FROM tickets WHERE reply_token = ${token} AND deleted_at IS NULL`,
      'inboundThreadByToken',
    );
    return row?.id ?? null;
  }

  async ticketByNumber(number: number): Promise<ThreadTicket | null> {
    const [row] = await this.db.query<ThreadTicket>(
      sql`SELECT t.id, array_prepend(c.email, coalesce(t.cc_emails, '{}')) AS participants
          FROM tickets t JOIN contacts c ON c.id = t.requester_id
          WHERE t.number = ${number} AND t.deleted_at IS NULL`,
      'inboundThreadByNumber',
    );
    return row ?? null;
  }

  /** The ticket a reply threads to: its status and requester, for the reply rules. */
  async ticketForReply(id: string): Promise<{ status: string; requesterId: string; requesterEmail: string } | null> {
    const [row] = await this.db.query<{ status: string; requesterId: string; requesterEmail: string }>(
      sql`SELECT t.status, t.requester_id AS "requesterId", c.email AS "requesterEmail"
          FROM tickets t JOIN contacts c ON c.id = t.requester_id
          WHERE t.id = ${id}::uuid AND t.deleted_at IS NULL`,
      'inboundTicketForReply',
    );
    return row ?? null;
  }

  /** The contact of an address, created when new (its name kept when not). */
  async contactOf(email: string, name: string): Promise<string> {
    const [row] = await this.db.query<{ id: string }>(
      sql`INSERT INTO contacts (id, name, email, created_at, updated_at) VALUES (gen_random_uuid(), ${name}, ${email}, now(), now())
          ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
          RETURNING id`,
      'inboundContact',
    );
    return row!.id;
  }

  /** Marks the contacts of these addresses as bouncing; answers how many there were. */
  async markBounced(emails: readonly string[]): Promise<number> {
    if (emails.length === 0) return 0;
    const rows = await this.db.query<{ id: string }>(
      sql`UPDATE contacts SET email_bounced_at = now(), updated_at = now() WHERE email = ANY(${[...emails]}::text[]) RETURNING id`,
      'inboundBounced',
    );
    return rows.length;
  }
}

const RECORD_COLUMNS: Sql = sql`id, outcome, ticket_id AS "ticketId", received_at AS "receivedAt"`;
