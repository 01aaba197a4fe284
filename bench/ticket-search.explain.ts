// EXPLAIN (ANALYZE, BUFFERS) of the ticket list, search and counts queries of app-api, exactly as
// TicketSearchRepository builds them, and of a ticket's comments and history, on a scratch tenant
// database filled with N tickets (three comments and four history events each, tags, 10 agents,
// 2 % in the trash). Prints Markdown for docs/indexes.md, then drops the database. Uses the administrative DATABASE_URL of .env (or of the environment).
//
//   node -r @swc-node/register bench/ticket-search.explain.ts [N]     (default N = 20000)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadDotEnv } from '@helpdeskly/config';
import { type Sql, sqltag as sql } from '@prisma/client/runtime/client';
import { TicketPriority, TicketStatus } from '@helpdeskly/database';
import {
  type TicketListQuery,
  ticketCountsSql,
  ticketPageSql,
} from '../apps/app-api/src/tickets/search/ticket-search.repository';

const DATABASE = 'helpdeskly_bench_ticket_search';
// One of the ten agents the fill assigns tickets to.
const AGENT = '00000000-0000-4000-8000-000000000004';
const MIGRATIONS = join(__dirname, '../prisma/tenant/migrations');
const POSTGRESQL_CONF = join(__dirname, '../deploy/postgres/postgresql.conf');
// Settings of the compose files' postgresql.conf that steer plans; the session takes them so the
// plans are those of a deployed server, whatever this machine's server is configured with.
const PLANNER_SETTINGS = ['random_page_cost', 'effective_cache_size', 'effective_io_concurrency', 'work_mem'];

const WORDS = [
  'printer',
  'invoice',
  'login',
  'password',
  'refund',
  'shipping',
  'delay',
  'broken',
  'screen',
  'crash',
  'upgrade',
  'billing',
  'account',
  'email',
  'export',
  'report',
  'slow',
  'error',
  'timeout',
  'mobile',
  'android',
  'iphone',
  'sync',
  'calendar',
  'license',
  'discount',
  'coupon',
  'warehouse',
  'parcel',
  'kangaroo',
];

/** Data: tickets spread over a year, statuses and priorities skewed as in a real inbox. */
const FILL = `
INSERT INTO contacts (id, name, email, updated_at)
SELECT gen_random_uuid(), 'Contact ' || i, 'contact' || i || '@example.test', now() FROM generate_series(1, 2000) i;

CREATE TEMP TABLE words AS SELECT w, row_number() OVER () - 1 AS n FROM unnest($words$::text[]) w;
CREATE FUNCTION pg_temp.phrase(len int, seed int) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg((SELECT w FROM words WHERE n = ((seed * 7 + k * 13 + (seed % 11) * k) % 30)), ' ') FROM generate_series(1, len) k
$$;

INSERT INTO tickets (id, subject, description, status, priority, requester_id, assignee_id, created_at, updated_at, resolution_due_at, deleted_at)
SELECT gen_random_uuid(),
       pg_temp.phrase(5, i), pg_temp.phrase(40, i + 1),
       (ARRAY['NEW','OPEN','OPEN','PENDING','ON_HOLD','SOLVED','SOLVED','CLOSED','CLOSED','CLOSED'])[1 + i % 10]::"TicketStatus",
       (ARRAY['LOW','NORMAL','NORMAL','NORMAL','HIGH','URGENT'])[1 + (i / 7) % 6]::"TicketPriority",
       (SELECT id FROM contacts ORDER BY id OFFSET i % 2000 LIMIT 1),
       CASE WHEN i % 10 < 3 THEN NULL ELSE ('00000000-0000-4000-8000-0000000000' || lpad((1 + i % 10)::text, 2, '0'))::uuid END,
       now() - (i || ' minutes')::interval * 26,
       now() - (i || ' minutes')::interval * 13,
       CASE WHEN i % 5 = 0 THEN NULL ELSE now() - (i || ' minutes')::interval * 26 + interval '3 days' END,
       CASE WHEN i % 50 = 0 THEN now() ELSE NULL END
FROM generate_series(1, $n$) i;

INSERT INTO comments (id, ticket_id, body, visibility, created_at)
SELECT gen_random_uuid(), t.id, pg_temp.phrase(30, k * 31 + t.number), CASE WHEN k = 2 THEN 'INTERNAL' ELSE 'PUBLIC' END::"CommentVisibility", t.created_at + (k || ' hours')::interval
FROM tickets t, generate_series(1, 3) k;

INSERT INTO ticket_events (id, ticket_id, field, created_at)
SELECT gen_random_uuid(), t.id, (ARRAY['created','status','assigneeId','comment'])[k], t.created_at + (k || ' hours')::interval
FROM tickets t, generate_series(1, 4) k;

INSERT INTO tags (id, name) SELECT gen_random_uuid(), w FROM words WHERE n < 20;
INSERT INTO ticket_tags (ticket_id, tag_id)
SELECT t.id, g.id FROM tickets t JOIN tags g ON g.name IN ((SELECT w FROM words WHERE n = t.number % 20), (SELECT w FROM words WHERE n = (t.number / 3) % 20))
ON CONFLICT DO NOTHING;
`;

/**
 * Candidates measured against the schema's indexes (the database is dropped after): partial
 * versions of the list indexes that leave the trash out (`deleted_at IS NULL`, a condition of every
 * list query), and an index for the unassigned queue by priority, the slowest list left.
 */
const CANDIDATE_INDEXES = [
  'CREATE INDEX bench_tickets_live_created_at_id_idx ON tickets (created_at, id) WHERE deleted_at IS NULL',
  'CREATE INDEX bench_tickets_live_assignee_id_status_idx ON tickets (assignee_id, status) WHERE deleted_at IS NULL',
  'CREATE INDEX bench_tickets_live_status_priority_created_at_idx ON tickets (status, priority, created_at) WHERE deleted_at IS NULL',
  'CREATE INDEX bench_tickets_assignee_id_priority_id_idx ON tickets (assignee_id, priority, id)',
];
const CANDIDATES_FOR = [
  'Default inbox',
  'Newest first, a page deep',
  'My unresolved',
  'Unassigned',
  'Priority URGENT',
  'Inbox counts',
];

/** `SET` statements for PLANNER_SETTINGS with the values of deploy/postgres/postgresql.conf. */
function plannerSettings(): string[] {
  const lines = readFileSync(POSTGRESQL_CONF, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim());
  return PLANNER_SETTINGS.map((name) => {
    const line = lines.find((l) => l.startsWith(`${name} =`));
    if (!line) throw new Error(`${name} is missing from ${POSTGRESQL_CONF}`);
    return `SET ${name} = '${line.split('=')[1].trim().replace(/^'|'$/g, '')}'`;
  });
}

function listQuery(overrides: Partial<TicketListQuery> & { filters?: TicketListQuery['filters'] }): TicketListQuery {
  return { filters: {}, key: 'created', direction: 'desc', limit: 25, ...overrides };
}

async function explain(client: Client, title: string, query: Sql): Promise<string> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query.text}`,
    query.values as unknown[],
  );
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  return `### ${title}\n\n\`\`\`sql\n${query.text.replace(/\n\s+/g, '\n  ').trim()}\n\`\`\`\n\n\`\`\`\n${plan}\n\`\`\`\n`;
}

async function main() {
  loadDotEnv();
  const n = Number(process.argv.slice(2).filter((a) => a !== '--')[0] ?? 20_000);
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is required');
  const url = new URL(adminUrl);
  url.pathname = `/${DATABASE}`;

  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  const client = new Client({ connectionString: url.toString() });
  try {
    await client.connect();
    for (const dir of readdirSync(MIGRATIONS)
      .filter((d) => /^\d+_/.test(d))
      .sort())
      await client.query(readFileSync(join(MIGRATIONS, dir, 'migration.sql'), 'utf8'));
    const started = Date.now();
    await client.query(
      FILL.replace('$words$', `ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}]`).replace('$n$', String(n)),
    );
    await client.query('VACUUM ANALYZE');
    const {
      rows: [stats],
    } = await client.query(
      `SELECT (SELECT count(*) FROM tickets) AS tickets, (SELECT count(*) FROM comments) AS comments, (SELECT count(*) FROM ticket_events) AS events, (SELECT count(*) FROM ticket_tags) AS ticket_tags, pg_size_pretty(pg_total_relation_size('tickets')) AS tickets_size`,
    );
    const settings = plannerSettings();
    for (const statement of settings) await client.query(statement);
    const out: string[] = [
      `Filled in ${Math.round((Date.now() - started) / 1000)} s: ${stats.tickets} tickets, ${stats.comments} comments, ${stats.events} ticket events, ${stats.ticket_tags} ticket tags; tickets ${stats.tickets_size} with indexes. PostgreSQL ${(await client.query('SHOW server_version')).rows[0].server_version}, with the planner settings of deploy/postgres/postgresql.conf: \`${settings.map((st) => st.slice(4)).join('; ')}\`.\n`,
    ];

    const {
      rows: [mid],
    } = await client.query(
      `SELECT id, created_at FROM tickets WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC OFFSET 5000 LIMIT 1`,
    );
    const unresolved = [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD];
    const cases: Array<[string, Sql]> = [
      ['Default inbox: newest first, first page', ticketPageSql(listQuery({}))],
      [
        'Newest first, a page deep in the list (keyset cursor)',
        ticketPageSql(
          listQuery({ after: { key: 'created', direction: 'desc', value: mid.created_at.toISOString(), id: mid.id } }),
        ),
      ],
      [
        'Status NEW,OPEN, recently updated first',
        ticketPageSql(listQuery({ filters: { status: [TicketStatus.NEW, TicketStatus.OPEN] }, key: 'updated' })),
      ],
      [
        'My unresolved tickets (assignee=me, status list), newest first',
        ticketPageSql(listQuery({ filters: { assigneeId: AGENT, status: unresolved } })),
      ],
      [
        'Unassigned, by priority (urgent first)',
        ticketPageSql(listQuery({ filters: { assigneeId: null, status: unresolved }, key: 'priority' })),
      ],
      ['Priority URGENT, newest first', ticketPageSql(listQuery({ filters: { priority: [TicketPriority.URGENT] } }))],
      [
        'Overdue, soonest due first',
        ticketPageSql(listQuery({ filters: { overdue: true }, key: 'due', direction: 'asc' })),
      ],
      ['Tag billing, newest first', ticketPageSql(listQuery({ filters: { tag: 'billing' } }))],
      [
        'Full-text search, ranked (common word)',
        ticketPageSql(listQuery({ filters: { q: 'refund' }, key: 'relevance' })),
      ],
      [
        'Full-text search, ranked (rare combination)',
        ticketPageSql(listQuery({ filters: { q: 'kangaroo warehouse -printer' }, key: 'relevance' })),
      ],
      [
        'Full-text search with a status filter, newest first',
        ticketPageSql(listQuery({ filters: { q: 'refund', status: [TicketStatus.OPEN] } })),
      ],
      ['Inbox counts', ticketCountsSql(AGENT)],
      // CommentsRepository.list and TicketEventsRepository (Prisma's findMany, same SQL shape).
      [
        'Comments of a ticket, oldest first',
        sql`SELECT id, created_at FROM comments WHERE ticket_id = ${mid.id}::uuid ORDER BY created_at ASC, id ASC LIMIT 26`,
      ],
      [
        'History of a ticket',
        sql`SELECT id, field, created_at FROM ticket_events WHERE ticket_id = ${mid.id}::uuid ORDER BY created_at ASC, id ASC`,
      ],
    ];
    for (const [title, query] of cases) out.push(await explain(client, title, query));

    // What the planner does once partial indexes exist next to the full ones.
    out.push('## With the candidate indexes\n');
    for (const ddl of CANDIDATE_INDEXES) await client.query(ddl);
    await client.query('ANALYZE tickets');
    out.push(`\`\`\`sql\n${CANDIDATE_INDEXES.join(';\n')};\n\`\`\`\n`);
    for (const [title, query] of cases.filter(([title]) => CANDIDATES_FOR.some((p) => title.startsWith(p))))
      out.push(await explain(client, title, query));
    console.log(out.join('\n'));
  } finally {
    await client.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.end();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
