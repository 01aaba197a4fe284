import { Injectable } from '@nestjs/common';
import { type Sql, sqltag as sql } from '@prisma/client/runtime/client';
import {
  type Page,
  pageArgs,
  type TenantPrisma,
  type TicketPriority,
  type TicketStatus,
  type TicketType,
  toPage,
} from '@helpdeskly/database';
import type { NewOutboxRow, OutboxRow } from '../notifications/outbox.repository';
import { type SqlSession, TenantDatabase } from '@helpdeskly/tenant-data';
import { commentJson, jsonArray, ticketJson } from './ticket-json.sql';

export const TICKET_INCLUDE = {
  requester: { select: { id: true, name: true, email: true } },
  tags: { select: { tag: { select: { name: true } } } },
} as const satisfies TenantPrisma.TicketInclude;

/** A ticket with its requester's summary and its tags. */
export type TicketRecord = TenantPrisma.TicketGetPayload<{ include: typeof TICKET_INCLUDE }>;

export type Tx = TenantPrisma.TransactionClient;

export interface NewTicket {
  readonly subject: string;
  readonly description: string;
  readonly status: TicketStatus;
  readonly priority: TicketPriority;
  readonly type: TicketType;
  readonly requesterId: string;
  readonly assigneeId: string | null;
  /** Null for a ticket no member opened (mail from the requester). */
  readonly createdById: string | null;
  /** Lower-cased; the Cc of the message that opened a ticket by email. */
  readonly ccEmails?: readonly string[];
  /** The CLOSED ticket this one follows up. */
  readonly followUpOfId?: string | null;
  readonly firstResponseDueAt: Date;
  readonly resolutionDueAt: Date;
  readonly createdAt: Date;
}

/** Who asked: an existing contact, or an email whose contact is created when new (its name is kept when not). */
export type RequesterInput = { readonly id: string } | { readonly email: string; readonly name: string };

/** An event of a new ticket; `created` gets `#<number>` and `requesterId` the requester's id, known once inserted. */
export interface NewTicketEvent {
  readonly id: string;
  readonly field: string;
  readonly toValue: string | null;
}

export interface TicketInsert {
  readonly ticket: NewTicket;
  readonly requester: RequesterInput;
  /** Lower-cased, unique, sorted (the order of TicketDto.tags). */
  readonly tags: readonly string[];
  /** The member who acts; null when the requester does (the events then name the requester's contact). */
  readonly actorUserId: string | null;
  readonly events: readonly NewTicketEvent[];
  /**
   * Outbox rows of the new ticket: `data.ticket` is set to the ticket's reference (with its reply
   * token), and a payload without a `to` is addressed to the requester (`to`, `data.requesterName`)
   * with the ticket's CCs copied (`cc`).
   */
  readonly outbox: readonly NewOutboxRow[];
}

export interface InsertedTicket {
  /** The TicketDto's JSON, as PostgreSQL wrote it. */
  readonly json: string;
  readonly id: string;
  readonly version: number;
  readonly outbox: OutboxRow[];
}

/** Fields a change may set; the version is incremented by {@link TicketsRepository.updateIfVersion}. */
export type TicketChanges = Partial<
  Pick<
    TicketRecord,
    | 'subject'
    | 'description'
    | 'status'
    | 'priority'
    | 'type'
    | 'assigneeId'
    | 'firstResponseDueAt'
    | 'resolutionDueAt'
    | 'solvedAt'
    | 'closedAt'
  >
>;

/** Interactive transactions wait for a concurrent retry of the same Idempotency-Key, so allow for it. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 };

/** Tickets of the current tenant. Reads skip trashed tickets unless they say otherwise. */
@Injectable()
export class TicketsRepository {
  constructor(private readonly db: TenantDatabase) {}

  /** Runs `fn` in one transaction of SQL statements (no ORM) on the tenant's database. */
  sqlTransaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  /** Runs `fn` in one transaction of the tenant's database; repositories take the `tx` it gets. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.client().$transaction(fn, TX_OPTIONS);
  }

  /**
   * Creates the ticket with its requester (when new), tags, events and outbox rows in one
   * statement, so one round trip, atomic by itself (or inside `db`'s transaction). Null when the
   * requester id names no contact.
   */
  async insert(input: TicketInsert, db: SqlSession = this.db): Promise<InsertedTicket | null> {
    const [row] = await db.query<{ json: string; id: string; version: number; outbox: string }>(
      ticketInsertSql(input),
      'ticketCreate',
    );
    if (!row) return null;
    return { json: row.json, id: row.id, version: row.version, outbox: JSON.parse(row.outbox) as OutboxRow[] };
  }

  findById(id: string, tx?: Tx): Promise<TicketRecord | null> {
    return (tx ?? this.db.client()).ticket.findFirst({ where: { id, deletedAt: null }, include: TICKET_INCLUDE });
  }

  /**
   * GET /v1/tickets/:id in one statement: the TicketDto's JSON, with the first `commentsLimit`
   * comments (CommentPageDto) when asked, and the version for the ETag. Null outside the trash only.
   */
  async findJson(id: string, commentsLimit?: number): Promise<{ json: string; version: number } | null> {
    const rows = await this.db.query<{ json: string; version: number }>(
      ticketJsonSql(id, commentsLimit),
      commentsLimit ? 'ticketWithComments' : 'ticket',
    );
    return rows[0] ?? null;
  }

  findByNumber(number: number): Promise<TicketRecord | null> {
    return this.db.client().ticket.findFirst({ where: { number, deletedAt: null }, include: TICKET_INCLUDE });
  }

  findManyByIds(ids: readonly string[]): Promise<TicketRecord[]> {
    return this.db
      .client()
      .ticket.findMany({ where: { id: { in: [...ids] }, deletedAt: null }, include: TICKET_INCLUDE });
  }

  /** Applies `changes` and increments the version only if the ticket is still at `version`; false otherwise. */
  async updateIfVersion(tx: Tx, id: string, version: number, changes: TicketChanges): Promise<boolean> {
    const { count } = await tx.ticket.updateMany({
      where: { id, version, deletedAt: null },
      data: { ...changes, version: { increment: 1 } },
    });
    return count === 1;
  }

  /** Tags by name, created when new (names are lower-cased by the caller), linked to the ticket. */
  async addTags(tx: Tx, ticketId: string, names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await tx.tag.createMany({ data: names.map((name) => ({ name })), skipDuplicates: true });
    const tags = await tx.tag.findMany({ where: { name: { in: [...names] } }, select: { id: true } });
    await tx.ticketTag.createMany({ data: tags.map((t) => ({ ticketId, tagId: t.id })), skipDuplicates: true });
  }

  async removeTags(tx: Tx, ticketId: string, names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await tx.ticketTag.deleteMany({ where: { ticketId, tag: { name: { in: [...names] } } } });
  }

  /** A requester's tickets (not trashed), newest first. */
  async listByRequester(requesterId: string, cursor: string | undefined, limit: number): Promise<Page<TicketRecord>> {
    const rows = await this.db.client().ticket.findMany({
      where: { requesterId, deletedAt: null },
      include: TICKET_INCLUDE,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...pageArgs(cursor, limit),
    });
    return toPage(rows, limit);
  }

  /** Moves a ticket to the trash; false when there is no such ticket outside the trash. */
  async trash(tx: Tx, id: string, deletedById: string, now: Date): Promise<boolean> {
    const { count } = await tx.ticket.updateMany({
      where: { id, deletedAt: null },
      data: { deletedAt: now, deletedById, version: { increment: 1 } },
    });
    return count === 1;
  }

  findTrashed(id: string): Promise<TicketRecord | null> {
    return this.db.client().ticket.findFirst({ where: { id, deletedAt: { not: null } }, include: TICKET_INCLUDE });
  }

  /** Takes the ticket out of the trash if it is still there since `deletedAt`; false otherwise. */
  async restore(tx: Tx, id: string, deletedAt: Date): Promise<boolean> {
    const { count } = await tx.ticket.updateMany({
      where: { id, deletedAt },
      data: { deletedAt: null, deletedById: null, version: { increment: 1 } },
    });
    return count === 1;
  }

  /** Trashed tickets, most recently deleted first. */
  async listTrash(cursor: string | undefined, limit: number): Promise<Page<TicketRecord>> {
    const rows = await this.db.client().ticket.findMany({
      where: { deletedAt: { not: null } },
      include: TICKET_INCLUDE,
      orderBy: [{ deletedAt: 'desc' }, { id: 'desc' }],
      ...pageArgs(cursor, limit),
    });
    return toPage(rows, limit);
  }

  /** Deletes a trashed ticket for good, with its tags, comments and events; false when it is not in the trash. */
  async purge(id: string): Promise<boolean> {
    const { count } = await this.db.client().ticket.deleteMany({ where: { id, deletedAt: { not: null } } });
    return count === 1;
  }
}

/** The statement of {@link TicketsRepository.findJson}: comments oldest first, the next cursor as GET /comments pages them. */
export function ticketJsonSql(id: string, commentsLimit?: number): Sql {
  if (!commentsLimit) {
    return sql`
      SELECT ${ticketJson('t', 'c', { description: true })}::text AS json, t.version
      FROM tickets t JOIN contacts c ON c.id = t.requester_id
      WHERE t.id = ${id}::uuid AND t.deleted_at IS NULL`;
  }
  // One more comment than the page tells whether another page follows.
  const comments = sql`(SELECT row_to_json(cp) FROM (SELECT
      ${jsonArray(commentJson('m'), sql`page m WHERE m.pos <= ${commentsLimit}`, sql`m.pos`)} AS items,
      (SELECT m.id FROM page m WHERE m.pos = ${commentsLimit} AND EXISTS (SELECT 1 FROM page n WHERE n.pos > ${commentsLimit})) AS "nextCursor"
    ) cp) AS comments`;
  return sql`
    WITH page AS MATERIALIZED (
      SELECT m.*, row_number() OVER (ORDER BY m.created_at, m.id) AS pos
      FROM comments m WHERE m.ticket_id = ${id}::uuid
      ORDER BY m.created_at, m.id LIMIT ${commentsLimit + 1}
    )
    SELECT ${ticketJson('t', 'c', { description: true, extra: [comments] })}::text AS json, t.version
    FROM tickets t JOIN contacts c ON c.id = t.requester_id
    WHERE t.id = ${id}::uuid AND t.deleted_at IS NULL`;
}

/**
 * The statement of {@link TicketsRepository.insert}: data-modifying CTEs, each value a bind
 * parameter. Contacts and tags are upserted with a no-op update, which returns the row whether it
 * was inserted or existed and waits for a concurrent insert of the same email or name to commit,
 * so no ticket misses its requester or a tag. The answer is built from the CTEs' rows: a
 * statement does not see what it inserts in the tables themselves.
 */
export function ticketInsertSql(input: TicketInsert): Sql {
  const { ticket: t, requester } = input;
  const now = sql`${t.createdAt}::timestamptz`;
  const requesterCte =
    'id' in requester
      ? sql`SELECT c.id, c.name, c.email FROM contacts c WHERE c.id = ${requester.id}::uuid`
      : sql`INSERT INTO contacts (id, name, email, created_at, updated_at) VALUES (gen_random_uuid(), ${requester.name}, ${requester.email}, ${now}, ${now})
            ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
            RETURNING id, name, email`;
  const tags = sql`${[...input.tags]}::text[]`;
  return sql`
    WITH rq AS (${requesterCte}),
    ticket AS (
      INSERT INTO tickets (id, subject, description, status, priority, type, requester_id, assignee_id, created_by_id, cc_emails, follow_up_of_id, first_response_due_at, resolution_due_at, created_at, updated_at)
      SELECT gen_random_uuid(), ${t.subject}, ${t.description}, ${t.status}::"TicketStatus", ${t.priority}::"TicketPriority", ${t.type}::"TicketType", rq.id,
             ${t.assigneeId}::uuid, ${t.createdById}::uuid, ${[...(t.ccEmails ?? [])]}::text[], ${t.followUpOfId ?? null}::uuid,
             ${t.firstResponseDueAt}::timestamptz, ${t.resolutionDueAt}::timestamptz, ${now}, ${now}
      FROM rq
      RETURNING *
    ),
    tag AS (
      INSERT INTO tags (id, name, created_at) SELECT gen_random_uuid(), n, ${now} FROM unnest(${tags}) n
      ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
      RETURNING id
    ),
    link AS (
      INSERT INTO ticket_tags (ticket_id, tag_id, created_at) SELECT ticket.id, tag.id, ${now} FROM ticket, tag
    ),
    event AS (
      INSERT INTO ticket_events (id, ticket_id, actor_user_id, actor_contact_id, field, to_value, created_at)
      SELECT e.id, ticket.id, ${input.actorUserId}::uuid, CASE WHEN ${input.actorUserId}::uuid IS NULL THEN rq.id END, e.field,
             CASE e.field WHEN 'created' THEN '#' || ticket.number WHEN 'requesterId' THEN ticket.requester_id::text ELSE e.value END, ${now}
      FROM ticket, rq, unnest(${input.events.map((e) => e.id)}::uuid[], ${input.events.map((e) => e.field)}::text[], ${input.events.map((e) => e.toValue)}::text[]) AS e(id, field, value)
    ),
    outbox AS (
      INSERT INTO outbox_messages (id, queue, name, payload, created_at)
      SELECT gen_random_uuid(), m.queue, m.name,
             jsonb_set(
               CASE WHEN m.payload ? 'to' THEN m.payload
                    ELSE m.payload || jsonb_build_object('to', rq.email, 'cc', to_jsonb(coalesce(ticket.cc_emails, '{}')),
                                                         'data', coalesce(m.payload -> 'data', '{}'::jsonb) || jsonb_build_object('requesterName', rq.name)) END,
               '{data,ticket}', jsonb_build_object('ticketId', ticket.id, 'number', ticket.number, 'subject', ticket.subject, 'replyToken', ticket.reply_token)),
             ${now}
      FROM ticket, rq, jsonb_to_recordset(${JSON.stringify(input.outbox)}::jsonb) AS m(queue text, name text, payload jsonb)
      RETURNING id, queue, name, payload
    )
    SELECT ${ticketJson('ticket', 'rq', { description: true, tags: sql`to_json(${tags})` })}::text AS json, ticket.id, ticket.version,
           (SELECT coalesce(json_agg(outbox), '[]'::json) FROM outbox)::text AS outbox
    FROM ticket, rq`;
}
