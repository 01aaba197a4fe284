import { join, raw, type Sql, sqltag as sql } from '@prisma/client/runtime/client';

/**
 * SQL that builds the JSON of the ticket DTOs inside PostgreSQL, so a hot path answers in one
 * statement and app-api sends the text as it comes (no row parsing, no objects, no stringify).
 * row_to_json and array_to_json write compact JSON with the keys in the order given here, which is
 * the order of TicketDto; only constants are spliced in, every value stays a bind parameter.
 */

/** `Date.prototype.toJSON()` of a timestamptz(3), 2026-12-03T07:37:44.510Z; null stays null. */
export const isoInstant = (column: Sql): Sql =>
  sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A compact JSON array (never null) of `element` over the rows of `from`, ordered. */
export const jsonArray = (element: Sql, from: Sql, order: Sql): Sql =>
  sql`coalesce((SELECT array_to_json(array_agg(${element} ORDER BY ${order})) FROM ${from}), '[]'::json)`;

/** Tag names of ticket `t`, in JavaScript's sort() order (code points: COLLATE "C"). */
const tagsOf = (t: Sql): Sql =>
  jsonArray(
    sql`g.name`,
    sql`ticket_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.ticket_id = ${t}.id`,
    sql`g.name COLLATE "C"`,
  );

export interface TicketJsonOptions {
  /** TicketDto has it; the summaries of lists (TicketSummaryDto) do not. */
  readonly description: boolean;
  /** Extra members after the ticket's, e.g. the rank of a search (`sql\`p.rank AS rank\``). */
  readonly extra?: readonly Sql[];
  /** The tags' JSON array when ticket_tags cannot show them yet (rows written by the same statement). */
  readonly tags?: Sql;
}

/**
 * The JSON object of ticket `t` (alias of `tickets`) with requester `c` (alias of `contacts`):
 * TicketDto, or TicketSummaryDto without the description. A correlated subquery per row.
 */
export function ticketJson(t: string, c: string, options: TicketJsonOptions): Sql {
  const [T, C] = [raw(t), raw(c)];
  const columns: Sql[] = [
    sql`${T}.id`,
    sql`${T}.number`,
    sql`${T}.subject`,
    ...(options.description ? [sql`${T}.description`] : []),
    sql`${T}.status`,
    sql`${T}.priority`,
    sql`${T}.type`,
    sql`${T}.requester_id AS "requesterId"`,
    sql`(SELECT row_to_json(r) FROM (SELECT ${C}.id, ${C}.name, ${C}.email) r) AS requester`,
    sql`${T}.assignee_id AS "assigneeId"`,
    sql`${T}.created_by_id AS "createdById"`,
    sql`${options.tags ?? tagsOf(T)} AS tags`,
    sql`${T}.version`,
    sql`${isoInstant(sql`${T}.first_response_due_at`)} AS "firstResponseDueAt"`,
    sql`${isoInstant(sql`${T}.resolution_due_at`)} AS "resolutionDueAt"`,
    sql`${isoInstant(sql`${T}.first_responded_at`)} AS "firstRespondedAt"`,
    sql`${isoInstant(sql`${T}.solved_at`)} AS "solvedAt"`,
    sql`${isoInstant(sql`${T}.closed_at`)} AS "closedAt"`,
    sql`${isoInstant(sql`${T}.created_at`)} AS "createdAt"`,
    sql`${isoInstant(sql`${T}.updated_at`)} AS "updatedAt"`,
    ...(options.extra ?? []),
  ];
  return sql`(SELECT row_to_json(x) FROM (SELECT ${join(columns, ', ')}) x)`;
}

/** The files of comment `M` (CommentAttachmentDto), in the order of the ticket's list. */
const attachmentsOf = (M: Sql): Sql =>
  jsonArray(
    sql`json_build_object('id', a.id, 'filename', a.filename, 'contentType', a.content_type, 'size', a.size, 'downloadUrl', '/v1/attachments/' || a.id || '/content')`,
    sql`attachments a WHERE a.comment_id = ${M}.id`,
    sql`a.created_at, a.id`,
  );

/** The JSON object of comment `m` (alias of `comments`), CommentDto, with its files. */
export function commentJson(m: string): Sql {
  const M = raw(m);
  return sql`(SELECT row_to_json(x) FROM (SELECT ${M}.id, ${M}.ticket_id AS "ticketId", ${M}.author_user_id AS "authorUserId", ${M}.author_contact_id AS "authorContactId", ${M}.visibility, ${M}.format, ${M}.body, ${isoInstant(sql`${M}.created_at`)} AS "createdAt", ${attachmentsOf(M)} AS attachments) x)`;
}
