import { Injectable } from '@nestjs/common';
import { type Sql, sqltag as sql } from '@prisma/client/runtime/client';
import { type Page, pageArgs, type TenantPrisma, type TicketPriority, type TicketStatus, type TicketType, toPage } from '@helpdeskly/database';
import { TenantDatabase } from '../tenancy/tenant-database';
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
  readonly createdById: string;
  readonly firstResponseDueAt: Date;
  readonly resolutionDueAt: Date;
  readonly createdAt: Date;
}

/** Fields a change may set; the version is incremented by {@link TicketsRepository.updateIfVersion}. */
export type TicketChanges = Partial<Pick<TicketRecord, 'subject' | 'description' | 'status' | 'priority' | 'type' | 'assigneeId' | 'firstResponseDueAt' | 'resolutionDueAt' | 'solvedAt' | 'closedAt'>>;

/** Interactive transactions wait for a concurrent retry of the same Idempotency-Key, so allow for it. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 };

/** Tickets of the current tenant. Reads skip trashed tickets unless they say otherwise. */
@Injectable()
export class TicketsRepository {
  constructor(private readonly db: TenantDatabase) {}

  /** Runs `fn` in one transaction of the tenant's database; repositories take the `tx` it gets. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.client().$transaction(fn, TX_OPTIONS);
  }

  /** Inserted with the next number of the tenant's sequence. */
  async create(tx: Tx, data: NewTicket, tagNames: readonly string[]): Promise<TicketRecord> {
    const ticket = await tx.ticket.create({ data: { ...data } });
    await this.addTags(tx, ticket.id, tagNames);
    return tx.ticket.findUniqueOrThrow({ where: { id: ticket.id }, include: TICKET_INCLUDE });
  }

  findById(id: string, tx?: Tx): Promise<TicketRecord | null> {
    return (tx ?? this.db.client()).ticket.findFirst({ where: { id, deletedAt: null }, include: TICKET_INCLUDE });
  }

  /**
   * GET /v1/tickets/:id in one statement: the TicketDto's JSON, with the first `commentsLimit`
   * comments (CommentPageDto) when asked, and the version for the ETag. Null outside the trash only.
   */
  async findJson(id: string, commentsLimit?: number): Promise<{ json: string; version: number } | null> {
    const rows = await this.db.query<{ json: string; version: number }>(ticketJsonSql(id, commentsLimit), commentsLimit ? 'ticketWithComments' : 'ticket');
    return rows[0] ?? null;
  }

  findByNumber(number: number): Promise<TicketRecord | null> {
    return this.db.client().ticket.findFirst({ where: { number, deletedAt: null }, include: TICKET_INCLUDE });
  }

  findManyByIds(ids: readonly string[]): Promise<TicketRecord[]> {
    return this.db.client().ticket.findMany({ where: { id: { in: [...ids] }, deletedAt: null }, include: TICKET_INCLUDE });
  }

  /** Applies `changes` and increments the version only if the ticket is still at `version`; false otherwise. */
  async updateIfVersion(tx: Tx, id: string, version: number, changes: TicketChanges): Promise<boolean> {
    const { count } = await tx.ticket.updateMany({ where: { id, version, deletedAt: null }, data: { ...changes, version: { increment: 1 } } });
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
    const rows = await this.db.client().ticket.findMany({ where: { requesterId, deletedAt: null }, include: TICKET_INCLUDE, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...pageArgs(cursor, limit) });
    return toPage(rows, limit);
  }

  /** Moves a ticket to the trash; false when there is no such ticket outside the trash. */
  async trash(tx: Tx, id: string, deletedById: string, now: Date): Promise<boolean> {
    const { count } = await tx.ticket.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: now, deletedById, version: { increment: 1 } } });
    return count === 1;
  }

  findTrashed(id: string): Promise<TicketRecord | null> {
    return this.db.client().ticket.findFirst({ where: { id, deletedAt: { not: null } }, include: TICKET_INCLUDE });
  }

  /** Takes the ticket out of the trash if it is still there since `deletedAt`; false otherwise. */
  async restore(tx: Tx, id: string, deletedAt: Date): Promise<boolean> {
    const { count } = await tx.ticket.updateMany({ where: { id, deletedAt }, data: { deletedAt: null, deletedById: null, version: { increment: 1 } } });
    return count === 1;
  }

  /** Trashed tickets, most recently deleted first. */
  async listTrash(cursor: string | undefined, limit: number): Promise<Page<TicketRecord>> {
    const rows = await this.db.client().ticket.findMany({ where: { deletedAt: { not: null } }, include: TICKET_INCLUDE, orderBy: [{ deletedAt: 'desc' }, { id: 'desc' }], ...pageArgs(cursor, limit) });
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
