import { Injectable } from '@nestjs/common';
import { empty, join, raw, type Sql, sqltag as sql } from '@prisma/client/runtime/client';
import { TicketPriority, TicketStatus } from '@helpdeskly/database';
import { TenantDatabase } from '@helpdeskly/tenant-data';
import { isoInstant, jsonArray, ticketJson } from '../ticket-json.sql';
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

/** One page as TicketSearchService answers it: the items' JSON, and where the next page starts. */
export interface TicketPage {
  /** A JSON array of TicketSummaryDto (with `rank` when searching), as PostgreSQL wrote it. */
  readonly itemsJson: string;
  /** The (sort value, id) of the page's last row when another page follows; undefined on the last page. */
  readonly next?: { readonly sortValue: CursorValue; readonly id: string };
}

/** Must match the configuration of the search triggers (migration `ticket_search`). */
const SEARCH_CONFIG = sql`'english'::regconfig`;
const UNRESOLVED = sql`t.status NOT IN ('SOLVED'::"TicketStatus", 'CLOSED'::"TicketStatus")`;

/**
 * Reads ticket lists in one SQL statement per page (tagged templates only, every value a bind
 * parameter): keyset pagination on (sort value, id) needs row comparisons, NULLS LAST and ts_rank,
 * which Prisma's query API cannot express, and the page's JSON is built by PostgreSQL
 * ({@link ticketJson}) so that a page costs one round trip and no row parsing.
 */
@Injectable()
export class TicketSearchRepository {
  constructor(private readonly db: TenantDatabase) {}

  async findPage(query: TicketListQuery): Promise<TicketPage> {
    const [row] = await this.db.query<{ items: string; next_id: string | null; next_sort: string | null }>(
      ticketPageSql(query),
      query.filters.q === undefined ? 'ticketList' : 'ticketSearch',
    );
    if (row.next_id === null) return { itemsJson: row.items };
    return { itemsJson: row.items, next: { id: row.next_id, sortValue: cursorValueOf(query.key, row.next_sort) } };
  }

  /** Non-trashed tickets per status, and the caller's, unassigned and overdue unresolved ones, in one scan. */
  async counts(userId: string) {
    const [row] = await this.db.query<Record<string, string>>(ticketCountsSql(userId), 'ticketCounts');
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  }
}

/** The sort value of the next cursor, from its text: an ISO instant, a priority, a rank, or null. */
function cursorValueOf(key: TicketSortKey, text: string | null): CursorValue {
  if (text === null) return null;
  return key === 'relevance' ? Number(text) : text;
}

/**
 * One page of a list: the rows of the page (one more than the page, to know whether another
 * follows) in a materialized CTE, then their JSON in order and the (sort value, id) of the page's
 * last row when the extra one exists; also explained by bench/ticket-search.explain.ts. NULLS LAST
 * only on the one nullable key (due): on the NOT NULL keys it would stop a descending order from
 * scanning a plain btree index backwards.
 */
export function ticketPageSql(query: TicketListQuery): Sql {
  const tsQuery =
    query.filters.q === undefined ? undefined : sql`websearch_to_tsquery(${SEARCH_CONFIG}, ${query.filters.q})`;
  const sortExpr = sortExpression(query.key, tsQuery);
  const conditions = [
    ...filterConditions(query.filters, tsQuery),
    ...(query.after ? [keysetCondition(sortExpr, query.key, query.direction, query.after)] : []),
  ];
  const order = query.direction === 'asc' ? sql`ASC` : sql`DESC`;
  const ordering = sql`${sortExpr} ${order}${query.key === 'due' ? sql` NULLS LAST` : empty}, t.id ${order}`;
  const nextSort =
    query.key === 'relevance' || query.key === 'priority' ? sql`p.sort_value::text` : isoInstant(sql`p.sort_value`);
  return sql`
    WITH page AS MATERIALIZED (
      SELECT t.id, ${sortExpr} AS sort_value, ${tsQuery ? sql`ts_rank(t.search_vector, ${tsQuery})::float8` : sql`NULL::float8`} AS rank,
             row_number() OVER (ORDER BY ${ordering}) AS pos
      FROM tickets t
      WHERE ${join(conditions, ' AND ')}
      ORDER BY ${ordering}
      LIMIT ${query.limit + 1}
    )
    SELECT
      ${jsonArray(
        ticketJson('t', 'c', { description: false, extra: tsQuery ? [sql`coalesce(p.rank, 0) AS rank`] : [] }),
        sql`page p JOIN tickets t ON t.id = p.id JOIN contacts c ON c.id = t.requester_id WHERE p.pos <= ${query.limit}`,
        sql`p.pos`,
      )}::text AS items,
      (SELECT p.id FROM page p WHERE p.pos = ${query.limit} AND EXISTS (SELECT 1 FROM page q WHERE q.pos > ${query.limit})) AS next_id,
      (SELECT ${nextSort} FROM page p WHERE p.pos = ${query.limit}) AS next_sort`;
}

/** The inbox counters in one scan of the tickets outside the trash. */
export function ticketCountsSql(userId: string): Sql {
  return sql`
    SELECT
      count(*) AS total,
      ${join(
        Object.values(TicketStatus).map(
          (s) => sql`count(*) FILTER (WHERE t.status = ${s}::"TicketStatus") AS ${raw(`"${s}"`)}`,
        ),
        ', ',
      )},
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
  if (f.tag !== undefined)
    c.push(
      sql`EXISTS (SELECT 1 FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.ticket_id = t.id AND g.name = ${f.tag})`,
    );
  if (f.createdFrom) c.push(sql`t.created_at >= ${f.createdFrom}::timestamptz`);
  if (f.createdTo) c.push(sql`t.created_at <= ${f.createdTo}::timestamptz`);
  if (f.updatedFrom) c.push(sql`t.updated_at >= ${f.updatedFrom}::timestamptz`);
  if (f.updatedTo) c.push(sql`t.updated_at <= ${f.updatedTo}::timestamptz`);
  if (f.overdue === true) c.push(sql`(t.resolution_due_at < now() AND ${UNRESOLVED})`);
  if (f.overdue === false)
    c.push(sql`NOT (t.resolution_due_at IS NOT NULL AND t.resolution_due_at < now() AND ${UNRESOLVED})`);
  if (tsQuery) c.push(sql`t.search_vector @@ ${tsQuery}`);
  return c;
}
