import { Injectable } from '@nestjs/common';
import { empty, join, raw, type Sql, sqltag as sql } from '@prisma/client/runtime/client';
import { TicketPriority, TicketStatus } from '@helpdeskly/database';
import { TenantDatabase } from '../tenancy/tenant-database';
import type { CursorValue, SortDirection, TicketCursor, TicketSortKey } from './ticket-cursor';

/** Filters of a ticket list, already resolved (`assignee: me` is the caller's id here). */
export interface TicketFilters {
  readonly status?: readonly TicketStatus[];
  readonly priority?: readonly TicketPriority[];
  /** A user id, or null for unassigned tickets. */
  readonly assigneeId?: string | null;
  readonly requesterId?: string;
  readonly tag?: string;
  readonly createdFrom?: Date;
  readonly createdTo?: Date;
  readonly updatedFrom?: Date;
  readonly updatedTo?: Date;
  readonly overdue?: boolean;
  /** Full-text query, web search syntax. */
  readonly q?: string;
}

export interface TicketListQuery {
  readonly filters: TicketFilters;
  readonly key: TicketSortKey;
  readonly direction: SortDirection;
  readonly after?: TicketCursor;
  readonly limit: number;
}

/** One row of a page: its id, the value it is sorted by (for the next cursor), and its rank when searching. */
export interface TicketPageRow {
  readonly id: string;
  readonly sortValue: CursorValue;
  readonly rank: number | null;
}

/** Must match the configuration of the search triggers (migration `ticket_search`). */
const SEARCH_CONFIG = sql`'english'::regconfig`;
const UNRESOLVED = sql`t.status NOT IN ('SOLVED'::"TicketStatus", 'CLOSED'::"TicketStatus")`;

const summarySelect = {
  id: true,
  number: true,
  subject: true,
  status: true,
  priority: true,
  type: true,
  requesterId: true,
  assigneeId: true,
  createdById: true,
  version: true,
  firstResponseDueAt: true,
  resolutionDueAt: true,
  firstRespondedAt: true,
  solvedAt: true,
  closedAt: true,
  createdAt: true,
  updatedAt: true,
  requester: { select: { id: true, name: true, email: true } },
  tags: { select: { tag: { select: { name: true } } } },
} as const;

/**
 * Reads ticket lists. The page of ids is one SQL query (tagged templates only, every value a bind
 * parameter): keyset pagination on (sort value, id) needs row comparisons, NULLS LAST and ts_rank,
 * which Prisma's query API cannot express; the rows themselves are then loaded with Prisma.
 */
@Injectable()
export class TicketSearchRepository {
  constructor(private readonly db: TenantDatabase) {}

  async findPage(query: TicketListQuery): Promise<TicketPageRow[]> {
    const rows = await this.db.client().$queryRaw<Array<{ id: string; sort_value: Date | string | number | null; rank: number | null }>>(ticketPageSql(query));
    return rows.map((r) => ({ id: r.id, sortValue: r.sort_value instanceof Date ? r.sort_value.toISOString() : r.sort_value, rank: r.rank }));
  }

  /** The listed tickets' rows, in the order of `ids`. */
  async loadSummaries(ids: readonly string[]) {
    const rows = await this.db.client().ticket.findMany({ where: { id: { in: [...ids] } }, select: summarySelect });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [{ ...row, tags: row.tags.map((t) => t.tag.name).sort() }] : [];
    });
  }

  /** Non-trashed tickets per status, and the caller's, unassigned and overdue unresolved ones, in one scan. */
  async counts(userId: string) {
    const [row] = await this.db.client().$queryRaw<Array<Record<string, bigint>>>(ticketCountsSql(userId));
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  }
}

/**
 * The query of one page of ids (one row more than the page, to know whether another follows); also
 * explained by bench/ticket-search.explain.ts. NULLS LAST only on the one nullable key (due): on the
 * NOT NULL keys it would stop a descending order from scanning a plain btree index backwards.
 */
export function ticketPageSql(query: TicketListQuery): Sql {
  const tsQuery = query.filters.q === undefined ? undefined : sql`websearch_to_tsquery(${SEARCH_CONFIG}, ${query.filters.q})`;
  const sortExpr = sortExpression(query.key, tsQuery);
  const conditions = [...filterConditions(query.filters, tsQuery), ...(query.after ? [keysetCondition(sortExpr, query.key, query.direction, query.after)] : [])];
  const order = query.direction === 'asc' ? sql`ASC` : sql`DESC`;
  return sql`
    SELECT t.id, ${sortExpr} AS sort_value, ${tsQuery ? sql`ts_rank(t.search_vector, ${tsQuery})::float8` : sql`NULL::float8`} AS rank
    FROM tickets t
    WHERE ${join(conditions, ' AND ')}
    ORDER BY ${sortExpr} ${order}${query.key === 'due' ? sql` NULLS LAST` : empty}, t.id ${order}
    LIMIT ${query.limit + 1}`;
}

/** The inbox counters in one scan of the tickets outside the trash. */
export function ticketCountsSql(userId: string): Sql {
  return sql`
    SELECT
      count(*) AS total,
      ${join(Object.values(TicketStatus).map((s) => sql`count(*) FILTER (WHERE t.status = ${s}::"TicketStatus") AS ${raw(`"${s}"`)}`), ', ')},
      count(*) FILTER (WHERE ${UNRESOLVED} AND t.assignee_id = ${userId}::uuid) AS mine,
      count(*) FILTER (WHERE ${UNRESOLVED} AND t.assignee_id IS NULL) AS unassigned,
      count(*) FILTER (WHERE ${UNRESOLVED} AND t.resolution_due_at < now()) AS overdue
    FROM tickets t
    WHERE t.deleted_at IS NULL`;
}

function sortExpression(key: TicketSortKey, tsQuery: Sql | undefined): Sql {
  switch (key) {
    case 'created':
      return sql`t.created_at`;
    case 'updated':
      return sql`t.updated_at`;
    case 'priority':
      return sql`t.priority`;
    case 'due':
      return sql`t.resolution_due_at`;
    case 'relevance':
      if (!tsQuery) throw new Error('relevance sort without a search query');
      return sql`ts_rank(t.search_vector, ${tsQuery})::float8`;
  }
}

/** The cursor's value as a typed bind parameter of the sort column's type. */
function cursorParameter(key: TicketSortKey, value: CursorValue): Sql {
  switch (key) {
    case 'created':
    case 'updated':
    case 'due':
      return sql`${value}::timestamptz`;
    case 'priority':
      return sql`${value}::"TicketPriority"`;
    case 'relevance':
      return sql`${value}::float8`;
  }
}

/**
 * Rows strictly after the cursor in `ORDER BY sort <dir> NULLS LAST, id <dir>`. Only the due time
 * can be null: nulls come last in both directions.
 */
function keysetCondition(sortExpr: Sql, key: TicketSortKey, direction: SortDirection, after: TicketCursor): Sql {
  const op = direction === 'asc' ? sql`>` : sql`<`;
  if (after.value === null) return sql`(${sortExpr} IS NULL AND t.id ${op} ${after.id}::uuid)`;
  const rowAfter = sql`(${sortExpr}, t.id) ${op} (${cursorParameter(key, after.value)}, ${after.id}::uuid)`;
  return key === 'due' ? sql`(${rowAfter} OR ${sortExpr} IS NULL)` : rowAfter;
}

function filterConditions(f: TicketFilters, tsQuery: Sql | undefined): Sql[] {
  const c: Sql[] = [sql`t.deleted_at IS NULL`];
  if (f.status) c.push(sql`t.status IN (${join(f.status.map((s) => sql`${s}::"TicketStatus"`))})`);
  if (f.priority) c.push(sql`t.priority IN (${join(f.priority.map((p) => sql`${p}::"TicketPriority"`))})`);
  if (f.assigneeId === null) c.push(sql`t.assignee_id IS NULL`);
  else if (f.assigneeId !== undefined) c.push(sql`t.assignee_id = ${f.assigneeId}::uuid`);
  if (f.requesterId) c.push(sql`t.requester_id = ${f.requesterId}::uuid`);
  if (f.tag !== undefined) c.push(sql`EXISTS (SELECT 1 FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.ticket_id = t.id AND g.name = ${f.tag})`);
  if (f.createdFrom) c.push(sql`t.created_at >= ${f.createdFrom}::timestamptz`);
  if (f.createdTo) c.push(sql`t.created_at <= ${f.createdTo}::timestamptz`);
  if (f.updatedFrom) c.push(sql`t.updated_at >= ${f.updatedFrom}::timestamptz`);
  if (f.updatedTo) c.push(sql`t.updated_at <= ${f.updatedTo}::timestamptz`);
  if (f.overdue === true) c.push(sql`(t.resolution_due_at < now() AND ${UNRESOLVED})`);
  if (f.overdue === false) c.push(sql`NOT (t.resolution_due_at IS NOT NULL AND t.resolution_due_at < now() AND ${UNRESOLVED})`);
  if (tsQuery) c.push(sql`t.search_vector @@ ${tsQuery}`);
  return c;
}
