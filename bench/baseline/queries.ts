// The SQL of the baseline server: one statement per read endpoint that builds the JSON app-api
// answers (field names and order of TicketDto, TicketSummaryDto and CommentDto, ISO instants, tags
// sorted as JavaScript's sort() does for ASCII names, nulls) as compact text, every value a bind
// parameter.
import type {
  CursorValue,
  SortDirection,
  TicketCursor,
  TicketSortKey,
} from '../../apps/app-api/src/tickets/search/ticket-cursor';

export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/** `Date.prototype.toJSON()` of a timestamptz(3): 2026-12-03T07:37:44.510Z (null stays null). */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A compact JSON array of the rows of `from` (row_to_json and array_to_json add no spaces, unlike json_build_object). */
const jsonArray = (element: string, from: string, order: string) =>
  `coalesce((SELECT array_to_json(array_agg(${element} ORDER BY ${order})) FROM ${from}), '[]'::json)`;

/** The ticket's tag names; COLLATE "C" is code-point order, JavaScript's sort() for these names. */
const tagsOf = (ticket: string) =>
  jsonArray(
    'g.name',
    `ticket_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.ticket_id = ${ticket}.id`,
    'g.name COLLATE "C"',
  );

const requesterOf = (contact: string) =>
  `(SELECT row_to_json(r) FROM (SELECT ${contact}.id, ${contact}.name, ${contact}.email) r)`;

/** The columns of TicketDto (GET /v1/tickets/:id, POST /v1/tickets) of ticket `t` and contact `c`, in its order; lists leave the description out (TicketSummaryDto). */
export function ticketColumns(t: string, c: string, tags: string, description = true): string {
  return `${t}.id, ${t}.number, ${t}.subject, ${description ? `${t}.description, ` : ''}${t}.status, ${t}.priority, ${t}.type, ${t}.requester_id AS "requesterId",
    ${requesterOf(c)} AS requester, ${t}.assignee_id AS "assigneeId", ${t}.created_by_id AS "createdById", ${tags} AS tags, ${t}.version,
    ${iso(`${t}.first_response_due_at`)} AS "firstResponseDueAt", ${iso(`${t}.resolution_due_at`)} AS "resolutionDueAt",
    ${iso(`${t}.first_responded_at`)} AS "firstRespondedAt", ${iso(`${t}.solved_at`)} AS "solvedAt", ${iso(`${t}.closed_at`)} AS "closedAt",
    ${iso(`${t}.created_at`)} AS "createdAt", ${iso(`${t}.updated_at`)} AS "updatedAt"`;
}

/** A list item (TicketSummaryDto: TicketDto without the description), plus the rank when searching. */
const summaryColumns = (withRank: boolean) =>
  `${ticketColumns('t', 'c', tagsOf('t'), false)}${withRank ? ', coalesce(p.rank, 0) AS rank' : ''}`;

export interface ListQuery {
  readonly status?: readonly string[];
  readonly q?: string;
  readonly key: Extract<TicketSortKey, 'created' | 'updated' | 'relevance'>;
  readonly direction: SortDirection;
  readonly after?: TicketCursor;
  readonly limit: number;
}

/**
 * GET /v1/tickets for the filters and sorts the bench uses (status, q, created, updated,
 * relevance): the page as ticketPageSql selects it (one row more than the page), its items, and
 * the sort value and id of its last row for the next cursor.
 */
export function listStatement(query: ListQuery): Statement {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const tsQuery = query.q === undefined ? undefined : `websearch_to_tsquery('english'::regconfig, ${param(query.q)})`;
  const rank = tsQuery ? `ts_rank(t.search_vector, ${tsQuery})::float8` : undefined;
  const sortExpr = query.key === 'created' ? 't.created_at' : query.key === 'updated' ? 't.updated_at' : rank;
  if (!sortExpr) throw new Error('relevance sort without a search query');
  const conditions = ['t.deleted_at IS NULL'];
  if (query.status)
    conditions.push(`t.status IN (${query.status.map((s) => `${param(s)}::"TicketStatus"`).join(', ')})`);
  if (tsQuery) conditions.push(`t.search_vector @@ ${tsQuery}`);
  const order = query.direction === 'asc' ? 'ASC' : 'DESC';
  if (query.after) {
    const op = query.direction === 'asc' ? '>' : '<';
    const cast = query.key === 'relevance' ? 'float8' : 'timestamptz';
    conditions.push(`(${sortExpr}, t.id) ${op} (${param(query.after.value)}::${cast}, ${param(query.after.id)}::uuid)`);
  }
  const limit = param(query.limit);
  const lastValue = query.key === 'relevance' ? 'sort_value' : iso('sort_value');
  const text = `
    WITH page AS MATERIALIZED (
      SELECT t.id, ${sortExpr} AS sort_value, ${rank ?? 'NULL::float8'} AS rank,
             row_number() OVER (ORDER BY ${sortExpr} ${order}, t.id ${order}) AS pos
      FROM tickets t
      WHERE ${conditions.join(' AND ')}
      ORDER BY ${sortExpr} ${order}, t.id ${order}
      LIMIT ${limit}::int + 1
    )
    SELECT (SELECT count(*)::int FROM page) AS rows,
           ${jsonArray('row_to_json(x)', `page p JOIN tickets t ON t.id = p.id JOIN contacts c ON c.id = t.requester_id CROSS JOIN LATERAL (SELECT ${summaryColumns(tsQuery !== undefined)}) x WHERE p.pos <= ${limit}::int`, 'p.pos')}::text AS items,
           (SELECT ${lastValue} FROM page WHERE pos = ${limit}::int) AS last_value,
           (SELECT id::text FROM page WHERE pos = ${limit}::int) AS last_id`;
  return { text, values };
}

/** The row of {@link listStatement}. */
export interface ListRow {
  readonly rows: number;
  readonly items: string;
  readonly last_value: CursorValue;
  readonly last_id: string | null;
}

/** GET /v1/tickets/:id, with `include=comments` the first page of its comments (oldest first, CommentPageDto, each with its files). */
export function ticketStatement(id: string, commentsLimit: number | undefined): Statement {
  const from = 'FROM tickets t JOIN contacts c ON c.id = t.requester_id';
  if (commentsLimit === undefined) {
    return {
      text: `SELECT row_to_json(x)::text AS body, t.version ${from} CROSS JOIN LATERAL (SELECT ${ticketColumns('t', 'c', tagsOf('t'))}) x WHERE t.id = $1::uuid AND t.deleted_at IS NULL`,
      values: [id],
    };
  }
  const files = jsonArray(
    `json_build_object('id', a.id, 'filename', a.filename, 'contentType', a.content_type, 'size', a.size, 'downloadUrl', '/v1/attachments/' || a.id || '/content')`,
    'attachments a WHERE a.comment_id = m.id',
    'a.created_at, a.id',
  );
  const comment = `m.id, m.ticket_id AS "ticketId", m.author_user_id AS "authorUserId", m.author_contact_id AS "authorContactId", m.visibility, m.format, m.body, ${iso('m.created_at')} AS "createdAt", ${files} AS attachments`;
  const comments = `(SELECT row_to_json(cp) FROM (SELECT
      ${jsonArray('row_to_json(mx)', `page m CROSS JOIN LATERAL (SELECT ${comment}) mx WHERE m.pos <= $2::int`, 'm.pos')} AS items,
      (SELECT m.id FROM page m WHERE m.pos = $2::int AND (SELECT count(*) FROM page) > $2::int) AS "nextCursor") cp)`;
  const text = `
    WITH page AS MATERIALIZED (
      SELECT k.*, row_number() OVER (ORDER BY k.created_at ASC, k.id ASC) AS pos
      FROM comments k WHERE k.ticket_id = $1::uuid
      ORDER BY k.created_at ASC, k.id ASC
      LIMIT $2::int + 1
    )
    SELECT row_to_json(x)::text AS body, t.version
    ${from} CROSS JOIN LATERAL (SELECT ${ticketColumns('t', 'c', tagsOf('t'))}, ${comments} AS comments) x
    WHERE t.id = $1::uuid AND t.deleted_at IS NULL`;
  return { text, values: [id, commentsLimit] };
}

export interface NewTicket {
  readonly subject: string;
  readonly description: string;
  readonly priority: string;
  readonly type: string;
  readonly email: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly userId: string;
  readonly now: Date;
  readonly senderName: string;
  /** UUIDv7s in increasing order, one per event at most (eventId of app-api). */
  readonly eventIds: readonly string[];
  readonly defaultSla: { readonly firstResponseMinutes: number; readonly resolutionMinutes: number };
}

/**
 * POST /v1/tickets in one statement, so one transaction and one round trip: the requester's contact
 * and the tags upserted (a no-op update returns an existing row, and waits for a concurrent insert
 * of the same email or name), the ticket (NEW, due times from the tenant's SLA setting of its
 * priority, else the default), its ticket_tags, its events (`created`, then one per initial field
 * that is set, as TicketsService.create writes them) and the outbox row of the acknowledgement
 * email; answers the TicketDto.
 */
export function createTicketStatement(ticket: NewTicket): Statement {
  const tagsJoined = ticket.tags.length > 0 ? ticket.tags.join(', ') : null;
  const minutes = (field: string, fallback: string) =>
    `CASE WHEN jsonb_typeof(s.x -> 'firstResponseMinutes') = 'number' AND jsonb_typeof(s.x -> 'resolutionMinutes') = 'number'
       THEN CASE WHEN (s.x ->> 'firstResponseMinutes')::numeric > 0 AND (s.x ->> 'firstResponseMinutes')::numeric % 1 = 0
                  AND (s.x ->> 'resolutionMinutes')::numeric > 0 AND (s.x ->> 'resolutionMinutes')::numeric % 1 = 0
                 THEN (s.x ->> '${field}')::int ELSE ${fallback}::int END
       ELSE ${fallback}::int END`;
  const text = `
    WITH s AS (SELECT (SELECT value -> $1::text FROM settings WHERE key = 'sla') AS x),
    target AS (SELECT ${minutes('firstResponseMinutes', '$2')} AS first_response, ${minutes('resolutionMinutes', '$3')} AS resolution FROM s),
    contact AS (
      INSERT INTO contacts (id, name, email, updated_at) VALUES (gen_random_uuid(), $14, $4, $9::timestamptz)
      ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
      RETURNING id, name, email
    ),
    tg AS (
      INSERT INTO tags (id, name) SELECT gen_random_uuid(), n FROM unnest($10::text[]) n
      ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
      RETURNING id, name
    ),
    t AS (
      INSERT INTO tickets (id, subject, description, status, priority, type, requester_id, assignee_id, created_by_id, created_at, updated_at, first_response_due_at, resolution_due_at)
      SELECT gen_random_uuid(), $5, $6, 'NEW', $1::"TicketPriority", $7::"TicketType", contact.id, NULL, $8::uuid, $9::timestamptz, $9::timestamptz,
             $9::timestamptz + make_interval(mins => target.first_response), $9::timestamptz + make_interval(mins => target.resolution)
      FROM contact, target
      RETURNING *
    ),
    tt AS (INSERT INTO ticket_tags (ticket_id, tag_id) SELECT t.id, tg.id FROM t, tg),
    ev AS (
      INSERT INTO ticket_events (id, ticket_id, actor_user_id, actor_contact_id, field, from_value, to_value)
      SELECT ($11::uuid[])[e.ord::int], t.id, $8::uuid, NULL, e.field, NULL, e.to_value
      FROM t CROSS JOIN LATERAL (
        SELECT f.field, f.to_value, row_number() OVER (ORDER BY f.n) AS ord
        FROM (VALUES (1, 'created', '#' || t.number), (2, 'subject', t.subject), (3, 'status', t.status::text), (4, 'priority', t.priority::text),
                     (5, 'type', t.type::text), (6, 'requesterId', t.requester_id::text), (7, 'assigneeId', t.assignee_id::text), (8, 'tags', $12::text)) f(n, field, to_value)
        WHERE f.to_value IS NOT NULL
      ) e
    ),
    ob AS (
      INSERT INTO outbox_messages (id, queue, name, payload)
      SELECT gen_random_uuid(), 'email', 'ticket-created',
             jsonb_build_object('template', 'ticket-created', 'to', contact.email,
                                'data', jsonb_build_object('ticket', jsonb_build_object('ticketId', t.id, 'number', t.number, 'subject', t.subject), 'requesterName', contact.name),
                                'senderName', $13::text)
      FROM t, contact
    )
    SELECT row_to_json(x)::text AS body, t.version
    FROM t, contact CROSS JOIN LATERAL (SELECT ${ticketColumns('t', 'contact', jsonArray('tg.name', 'tg', 'tg.name COLLATE "C"'))}) x`;
  return {
    text,
    values: [
      ticket.priority,
      ticket.defaultSla.firstResponseMinutes,
      ticket.defaultSla.resolutionMinutes,
      ticket.email,
      ticket.subject,
      ticket.description,
      ticket.type,
      ticket.userId,
      ticket.now,
      ticket.tags,
      ticket.eventIds,
      tagsJoined,
      ticket.senderName,
      ticket.name,
    ],
  };
}
