// What the bench sets up and keeps between runs, in its own control database: the main tenant
// (scenarios a-d, g) with N tickets, the tenants of scenario e with a few hundred tickets each, an
// agent per tenant (eight in the main one), the login storm's user, raised per-tenant rate limits.
// Tenants are provisioned by control-api's own TenantsService (in-process Nest context); tickets,
// users and memberships are inserted with SQL, one precomputed bcrypt hash for every agent.
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import * as bcrypt from 'bcrypt';
import { Client, type Pool } from 'pg';
import { AccessTokenService } from '@helpdeskly/auth';
import { loadConfig } from '@helpdeskly/config';
import { MembershipRole, TenantStatus } from '@helpdeskly/database';
import { ControlApiModule } from '../../apps/control-api/src/control-api.module';
import { DatabaseServersService, TenantsService } from '@helpdeskly/tenants';
import { withDatabase } from './environment';
import { type BenchOptions, REPO_ROOT } from './options';
import { mapConcurrent } from './util';

/** A word in the description of about one ticket in 33: the full-text search of scenario d. */
export const SEARCH_WORD = 'kangaroo';
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
  'monitor',
];
/** The first 20 words are the tenant's tags. */
export const TAGS = WORDS.slice(0, 20);
/** Subject prefix of the tickets scenario c creates; they are deleted after it. */
export const CREATED_SUBJECT = 'Bench create';
/** Domain of the contacts scenario c creates (new requesters); deleted after it. */
export const CREATED_CONTACT_DOMAIN = 'create.bench.test';
/** Email of seeded requester `i` (existing contacts for scenario c). */
export const seededRequester = (i: number) => `requester-${i}@bench.test`;
const AGENTS_OF_MAIN = 8;
const RATE_LIMITS = { tenantPerMinute: 100_000_000, userPerMinute: 100_000_000 };

export interface BenchTenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly databaseName: string;
  /** The URL by which app-api reaches its database (TenantsService.pgBouncerUrl). */
  readonly url: string;
  readonly senderName: string;
  /** Access tokens of its agents. */
  readonly tokens: readonly string[];
}

export interface BenchData {
  readonly main: BenchTenant & {
    readonly contacts: number;
    readonly commentedTicketId: string;
    readonly comments: number;
    readonly searchMatches: number;
    readonly tickets: number;
  };
  readonly many: readonly BenchTenant[];
  readonly storm: { readonly email: string; readonly password: string };
}

/** The in-process control-api of the bench (TenantsService, AccessTokenService), on the bench's environment. */
export class ControlContext {
  private constructor(readonly app: INestApplicationContext) {}

  static async open(env: Record<string, string>): Promise<ControlContext> {
    // No HTTP server here, so no request metrics (they hook into Fastify).
    const config = loadConfig({ ...env, ENABLE_METRICS: 'false' });
    const app = await NestFactory.createApplicationContext(ControlApiModule.forRoot(config), {
      logger: ['error', 'warn'],
      abortOnError: false,
    });
    return new ControlContext(app);
  }

  get tenants(): TenantsService {
    return this.app.get(TenantsService);
  }

  get tokens(): AccessTokenService {
    return this.app.get(AccessTokenService);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

/**
 * Creates the bench's control database when missing, applies the control migrations, then brings
 * the tenants it kept from earlier runs up to the latest tenant migration (scripts/migrate.ts
 * deploy, then tenants), as a deployment does: a kept tenant of an older commit would otherwise
 * answer 500 on a column it lacks.
 */
export async function ensureControlDatabase(env: Record<string, string>, options: BenchOptions): Promise<void> {
  const admin = new Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.controlDatabase]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE "${options.controlDatabase}"`);
  } finally {
    await admin.end();
  }
  for (const command of ['deploy', 'tenants']) {
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', 'scripts/migrate.ts', command], {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
    });
    if (result.status !== 0)
      throw new Error(`migrate ${command} of ${options.controlDatabase} failed:\n${result.stdout}${result.stderr}`);
  }
}

const mainSlug = (options: BenchOptions) => `${options.slugPrefix}main`;
const manySlug = (options: BenchOptions, i: number) => `${options.slugPrefix}t${String(i + 1).padStart(4, '0')}`;
/** Every tenant the bench keeps: the main one and those of scenario e (any count). */
const keptSlugs = (options: BenchOptions) => `^${options.slugPrefix}(main|t[0-9]{4,})$`;
export const provisionSlugs = (options: BenchOptions) => `^${options.slugPrefix}prov-`;
/** Prefix of the databases scenario f creates with CREATE DATABASE, per control database (so that two profiles never drop each other's). */
export const provisionDatabasePrefix = (options: BenchOptions) =>
  `bench_prov_${createHash('sha256').update(options.controlDatabase).digest('hex').slice(0, 6)}_`;

/** What an interrupted scenario f left: its tenants and its databases. */
export async function removeProvisioningLeftovers(
  control: ControlContext,
  controlDb: Pool,
  adminUrl: string,
  options: BenchOptions,
): Promise<number> {
  const tenants = await deleteTenants(control, controlDb, provisionSlugs(options));
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [provisionDatabasePrefix(options)],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    return tenants + rows.length;
  } finally {
    await admin.end();
  }
}
const agentEmail = (slug: string, i: number) => `agent-${i}@${slug}.bench.test`;
const stormEmail = (options: BenchOptions) => `storm@${mainSlug(options)}.bench.test`;

/** Deletes tenants (database and role through TenantsService) and then their rows, so their slugs can be used again. */
export async function deleteTenants(control: ControlContext, controlDb: Pool, slugPattern: string): Promise<number> {
  const { rows } = await controlDb.query<{ id: string; status: string }>(
    'SELECT id, status FROM tenants WHERE slug ~ $1',
    [slugPattern],
  );
  await mapConcurrent(rows, 4, async (row) => {
    if (row.status !== TenantStatus.DELETED) await control.tenants.deleteTenant(row.id);
  });
  if (rows.length > 0) await controlDb.query('DELETE FROM tenants WHERE id = ANY($1::uuid[])', [rows.map((r) => r.id)]);
  return rows.length;
}

/** Drops every bench tenant and user of this profile (--fresh, or secrets that no longer open the tenants). */
export async function dropBenchData(control: ControlContext, controlDb: Pool, options: BenchOptions): Promise<void> {
  const tenants = await deleteTenants(control, controlDb, keptSlugs(options));
  await deleteTenants(control, controlDb, provisionSlugs(options));
  const { rowCount } = await controlDb.query(`DELETE FROM users WHERE email ~ $1`, [
    `@${options.slugPrefix}(main|t[0-9]{4,})\\.bench\\.test$`,
  ]);
  console.log(`  dropped ${tenants} bench tenants and ${rowCount} bench users`);
}

/**
 * --drop: every bench tenant of the control database (any profile: slugs starting with "bench-")
 * deleted through TenantsService (database and role), then the control database and the template.
 */
export async function dropEverything(
  control: ControlContext,
  controlDb: Pool,
  env: Record<string, string>,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<void> {
  const tenants = await deleteTenants(control, controlDb, '^bench-');
  log(`  deleted ${tenants} bench tenants (databases and roles)`);
  await control.close();
  await controlDb.end();
  const admin = new Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  try {
    for (const database of [options.controlDatabase, options.templateDatabase]) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      log(`  dropped database ${database}`);
    }
  } finally {
    await admin.end();
  }
}

/** The fill of one tenant database, in one transaction: contacts, tickets over half a year (statuses, priorities, due times, 2 % trashed), tags, comments (10 on one ticket in 97), events. */
function fillSql(tickets: number, contacts: number): string {
  return `
    CREATE TEMP TABLE bench_words ON COMMIT DROP AS SELECT w, (row_number() OVER ()) - 1 AS n FROM unnest(ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}]::text[]) w;
    CREATE FUNCTION pg_temp.phrase(len int, seed int) RETURNS text LANGUAGE sql AS $$
      SELECT string_agg((SELECT w FROM bench_words WHERE n = ((seed * 7 + k * 13 + (seed % 11) * k) % 30)), ' ') FROM generate_series(1, len) k
    $$;
    INSERT INTO contacts (id, name, email, updated_at)
    SELECT gen_random_uuid(), 'Requester ' || i, 'requester-' || i || '@bench.test', now() FROM generate_series(0, ${contacts - 1}) i;
    CREATE TEMP TABLE bench_contacts ON COMMIT DROP AS SELECT array_agg(id ORDER BY created_at, email) AS ids FROM contacts;
    INSERT INTO tags (id, name) SELECT gen_random_uuid(), w FROM bench_words WHERE n < 20;
    INSERT INTO tickets (id, subject, description, status, priority, type, requester_id, assignee_id, created_by_id, version,
                         first_response_due_at, resolution_due_at, first_responded_at, solved_at, closed_at, deleted_at, created_at, updated_at)
    SELECT gen_random_uuid(), initcap(pg_temp.phrase(5, i)), pg_temp.phrase(40, i + 1) || CASE WHEN i % 33 = 0 THEN ' ${SEARCH_WORD}' ELSE '' END,
           s.status::"TicketStatus", (ARRAY['LOW','NORMAL','NORMAL','NORMAL','HIGH','URGENT'])[1 + (i / 7) % 6]::"TicketPriority",
           (ARRAY['QUESTION','INCIDENT','PROBLEM','TASK'])[1 + i % 4]::"TicketType",
           (SELECT ids FROM bench_contacts)[1 + i % ${contacts}],
           CASE WHEN i % 10 < 3 THEN NULL ELSE ('00000000-0000-4000-8000-0000000000' || lpad((1 + i % 10)::text, 2, '0'))::uuid END,
           CASE WHEN i % 4 = 0 THEN NULL ELSE ('00000000-0000-4000-8000-0000000000' || lpad((1 + i % 7)::text, 2, '0'))::uuid END,
           1 + i % 5,
           CASE WHEN i % 5 = 0 THEN NULL ELSE c.at + interval '8 hours' END,
           CASE WHEN i % 5 = 0 THEN NULL ELSE c.at + interval '2 days' END,
           CASE WHEN i % 3 = 0 THEN c.at + interval '2 hours' ELSE NULL END,
           CASE WHEN s.status IN ('SOLVED', 'CLOSED') THEN u.at ELSE NULL END,
           CASE WHEN s.status = 'CLOSED' THEN u.at ELSE NULL END,
           CASE WHEN i % 50 = 0 THEN u.at ELSE NULL END,
           c.at, u.at
    FROM generate_series(1, ${tickets}) i
    CROSS JOIN LATERAL (SELECT (ARRAY['NEW','OPEN','OPEN','PENDING','ON_HOLD','SOLVED','SOLVED','CLOSED','CLOSED','CLOSED'])[1 + i % 10] AS status) s
    CROSS JOIN LATERAL (SELECT date_trunc('milliseconds', now()) - (i * 26 || ' minutes')::interval AS at) c
    CROSS JOIN LATERAL (SELECT greatest(c.at, date_trunc('milliseconds', now()) - ((i * 13 + (i * 7919) % 600) || ' minutes')::interval + (i % 1000 || ' milliseconds')::interval) AS at) u;
    INSERT INTO comments (id, ticket_id, author_user_id, author_contact_id, body, visibility, created_at)
    SELECT gen_random_uuid(), t.id,
           CASE WHEN k % 2 = 1 THEN '00000000-0000-4000-8000-000000000001'::uuid ELSE NULL END,
           CASE WHEN k % 2 = 1 THEN NULL ELSE t.requester_id END,
           pg_temp.phrase(30, k * 31 + t.number),
           CASE WHEN k = 3 THEN 'INTERNAL' ELSE 'PUBLIC' END::"CommentVisibility",
           t.created_at + (k || ' hours')::interval
    FROM tickets t, generate_series(1, CASE WHEN t.number % 97 = 0 THEN 10 ELSE t.number % 4 END) k;
    INSERT INTO ticket_events (id, ticket_id, actor_user_id, field, from_value, to_value, created_at)
    SELECT gen_random_uuid(), t.id, t.created_by_id, e.field, e.from_value, e.to_value, t.created_at + e.after
    FROM tickets t CROSS JOIN LATERAL (VALUES ('created', NULL, '#' || t.number, interval '0'), ('status', 'NEW', t.status::text, interval '1 hour')) e(field, from_value, to_value, after);
    INSERT INTO ticket_tags (ticket_id, tag_id)
    SELECT t.id, g.id FROM tickets t JOIN tags g ON g.name IN ((SELECT w FROM bench_words WHERE n = t.number % 20), (SELECT w FROM bench_words WHERE n = (t.number / 3) % 20))
    ON CONFLICT DO NOTHING;`;
}

const contactsFor = (tickets: number) => Math.min(2000, Math.max(20, Math.floor(tickets / 5)));

/** Fills the tenant's database unless it has tickets (a fill is one transaction: all or nothing). */
async function seedTenant(adminUrl: string, databaseName: string, tickets: number): Promise<boolean> {
  const client = new Client({
    connectionString: withDatabase(adminUrl, databaseName),
    application_name: 'helpdeskly-bench-seed',
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tickets WHERE subject NOT LIKE '${CREATED_SUBJECT}%'`,
    );
    if (rows[0]!.n > 0) return false;
    await client.query(fillSql(tickets, contactsFor(tickets)));
    await client.query('VACUUM ANALYZE');
    return true;
  } finally {
    await client.end();
  }
}

/** Removes what scenario c left in the main tenant (its tickets, new contacts, outbox rows). */
export async function removeCreatedTickets(adminUrl: string, databaseName: string): Promise<number> {
  const client = new Client({
    connectionString: withDatabase(adminUrl, databaseName),
    application_name: 'helpdeskly-bench-cleanup',
  });
  await client.connect();
  try {
    const { rowCount } = await client.query(`DELETE FROM tickets WHERE subject LIKE '${CREATED_SUBJECT}%'`);
    await client.query(
      `DELETE FROM contacts WHERE email LIKE $1 AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.requester_id = contacts.id)`,
      [`%@${CREATED_CONTACT_DOMAIN}`],
    );
    await client.query('DELETE FROM outbox_messages');
    // The next scenarios read these tables: no dead rows from the deleted tickets in their plans.
    if (rowCount)
      await client.query('VACUUM ANALYZE tickets, comments, ticket_events, ticket_tags, contacts, outbox_messages');
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** Deletes the outbox rows of the main tenant (the baseline's; app-api relays and deletes its own). */
export async function clearOutbox(adminUrl: string, databaseName: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(adminUrl, databaseName) });
  await client.connect();
  try {
    await client.query('DELETE FROM outbox_messages');
  } finally {
    await client.end();
  }
}

interface TenantRow {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  database_name: string;
  settings: Record<string, unknown> | null;
}

/** The tenant of `slug`, ACTIVE: created (TenantsService.createTenant) or provisioned again when needed. */
async function ensureTenant(control: ControlContext, controlDb: Pool, slug: string, name: string): Promise<TenantRow> {
  const find = async () =>
    (
      await controlDb.query<TenantRow>(
        'SELECT id, slug, name, status, database_name, settings FROM tenants WHERE slug = $1',
        [slug],
      )
    ).rows[0];
  let row = await find();
  if (!row) await control.tenants.createTenant({ slug, name });
  else if (row.status === TenantStatus.PROVISIONING || row.status === TenantStatus.FAILED)
    await control.tenants.provision(row.id);
  else if (row.status !== TenantStatus.ACTIVE)
    throw new Error(`bench tenant ${slug} is ${row.status}; run with --fresh`);
  row = (await find())!;
  return row;
}

const senderNameOf = (row: TenantRow) => {
  const configured = row.settings?.emailSenderName;
  return typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : row.name;
};

/** Makes each user a member (AGENT) of its tenant, when not already. */
async function ensureMemberships(controlDb: Pool, emails: string[], tenantIds: string[]): Promise<void> {
  await controlDb.query(
    `INSERT INTO memberships (id, user_id, tenant_id, role, updated_at)
     SELECT gen_random_uuid(), u.id, m.tenant_id, $3::"MembershipRole", now()
     FROM unnest($1::text[], $2::uuid[]) m(email, tenant_id) JOIN users u ON u.email = m.email
     ON CONFLICT (user_id, tenant_id) DO NOTHING`,
    [emails, tenantIds, MembershipRole.AGENT],
  );
}

/** Agents (inserted with one bcrypt hash), members of their tenant; their ids by email. */
async function ensureAgents(
  controlDb: Pool,
  emails: string[],
  tenantIds: string[],
  hash: string,
): Promise<Map<string, string>> {
  await controlDb.query(
    `INSERT INTO users (id, email, name, password_hash, updated_at)
     SELECT gen_random_uuid(), e, 'Bench ' || split_part(e, '@', 1), $2, now() FROM unnest($1::text[]) e
     ON CONFLICT (email) DO NOTHING`,
    [emails, hash],
  );
  await ensureMemberships(controlDb, emails, tenantIds);
  const { rows } = await controlDb.query<{ id: string; email: string }>(
    'SELECT id, email FROM users WHERE email = ANY($1::text[])',
    [emails],
  );
  return new Map(rows.map((r) => [r.email, r.id]));
}

/** The storm user: member of the main tenant, its hash at the storm's cost (made again when the cost or password changed). */
async function ensureStormUser(
  controlDb: Pool,
  tenantId: string,
  email: string,
  password: string,
  cost: number,
): Promise<void> {
  const { rows } = await controlDb.query<{ id: string; password_hash: string }>(
    'SELECT id, password_hash FROM users WHERE email = $1',
    [email],
  );
  const current = rows[0];
  const fits =
    current &&
    bcrypt.getRounds(current.password_hash) === cost &&
    (await bcrypt.compare(password, current.password_hash));
  if (!fits) {
    const hash = await bcrypt.hash(password, cost);
    await controlDb.query(
      `INSERT INTO users (id, email, name, password_hash, updated_at) VALUES (gen_random_uuid(), $1, 'Bench storm', $2, now())
       ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`,
      [email, hash],
    );
  }
  await controlDb.query('UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE email = $1', [email]);
  await ensureMemberships(controlDb, [email], [tenantId]);
}

/**
 * Everything the scenarios need, created when missing (a second run starts fast), with rate limits
 * raised by each tenant's override, and access tokens minted for this run.
 */
export async function prepareBenchData(
  control: ControlContext,
  controlDb: Pool,
  env: Record<string, string>,
  options: BenchOptions,
  stormPassword: string,
  log: (line: string) => void,
): Promise<BenchData> {
  const adminUrl = env.DATABASE_URL!;
  const totalTenants = 1 + options.tenants + options.provision * 2;
  // The bench's server must take every bench tenant (the default capacity is 500).
  await control.app.get(DatabaseServersService).registerPrimary();
  await controlDb.query(
    `UPDATE database_servers SET capacity = greatest(capacity, $1::int + (SELECT count(*)::int FROM tenants WHERE status <> 'DELETED'))`,
    [totalTenants],
  );

  const leftovers = await removeProvisioningLeftovers(control, controlDb, adminUrl, options);
  if (leftovers > 0) log(`  removed ${leftovers} tenants and databases an interrupted scenario f had left`);
  const started = performance.now();
  const main = await ensureTenant(control, controlDb, mainSlug(options), 'Bench main');
  const slugs = Array.from({ length: options.tenants }, (_, i) => manySlug(options, i));
  const { rows: existing } = await controlDb.query<{ slug: string }>(
    `SELECT slug FROM tenants WHERE slug = ANY($1::text[]) AND status = 'ACTIVE'`,
    [slugs],
  );
  const missing = slugs.length - existing.length;
  if (missing > 0) log(`  provisioning ${missing} tenants for scenario e (kept for later runs)`);
  const many = await mapConcurrent(slugs, 4, (slug) => ensureTenant(control, controlDb, slug, `Bench ${slug}`));
  const seeded = await mapConcurrent(
    [{ row: main, tickets: options.tickets }, ...many.map((row) => ({ row, tickets: options.tenantTickets }))],
    2,
    ({ row, tickets }) => seedTenant(adminUrl, row.database_name, tickets),
  );
  const fills = seeded.filter(Boolean).length;
  log(
    `  tenants ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${fills} filled now, ${seeded.length - fills} kept from an earlier run)`,
  );
  await removeCreatedTickets(adminUrl, main.database_name);

  await controlDb.query(`UPDATE tenants SET rate_limits = $2::jsonb WHERE slug ~ $1`, [
    keptSlugs(options),
    JSON.stringify(RATE_LIMITS),
  ]);

  // Agents never log in: one hash for all (the storm user has its own).
  const agentHash = await bcrypt.hash(randomBytes(16).toString('hex'), 4);
  const mainEmails = Array.from({ length: options.smoke ? 2 : AGENTS_OF_MAIN }, (_, i) => agentEmail(main.slug, i + 1));
  const manyEmails = many.map((row) => agentEmail(row.slug, 1));
  const ids = await ensureAgents(
    controlDb,
    [...mainEmails, ...manyEmails],
    [...mainEmails.map(() => main.id), ...many.map((r) => r.id)],
    agentHash,
  );
  await ensureStormUser(controlDb, main.id, stormEmail(options), stormPassword, options.stormCost);

  const tokenFor = (email: string, tenantId: string) =>
    control.tokens.signAccess({
      userId: ids.get(email)!,
      tenantId,
      role: MembershipRole.AGENT,
      isPlatformAdmin: false,
      sessionId: randomUUID(),
    }).token;
  const benchTenant = async (row: TenantRow, emails: string[]): Promise<BenchTenant> => ({
    id: row.id,
    slug: row.slug,
    name: row.name,
    databaseName: row.database_name,
    url: await control.tenants.pgBouncerUrl(row.id),
    senderName: senderNameOf(row),
    tokens: emails.map((e) => tokenFor(e, row.id)),
  });

  const stats = new Client({ connectionString: withDatabase(adminUrl, main.database_name) });
  await stats.connect();
  try {
    const {
      rows: [facts],
    } = await stats.query<{ tickets: number; contacts: number; matches: number }>(
      `SELECT (SELECT count(*)::int FROM tickets WHERE deleted_at IS NULL) AS tickets, (SELECT count(*)::int FROM contacts) AS contacts,
              (SELECT count(*)::int FROM tickets WHERE deleted_at IS NULL AND search_vector @@ websearch_to_tsquery('english', $1)) AS matches`,
      [SEARCH_WORD],
    );
    const {
      rows: [commented],
    } = await stats.query<{ id: string; n: number }>(
      `SELECT t.id, count(*)::int AS n FROM tickets t JOIN comments c ON c.ticket_id = t.id WHERE t.deleted_at IS NULL GROUP BY t.id HAVING count(*) = 10 ORDER BY min(t.number) LIMIT 1`,
    );
    if (!commented) throw new Error('the main bench tenant has no ticket with 10 comments; run with --fresh');
    return {
      main: {
        ...(await benchTenant(main, mainEmails)),
        contacts: facts!.contacts,
        commentedTicketId: commented.id,
        comments: commented.n,
        searchMatches: facts!.matches,
        tickets: facts!.tickets,
      },
      many: await mapConcurrent(many, 8, (row) => benchTenant(row, [agentEmail(row.slug, 1)])),
      storm: { email: stormEmail(options), password: stormPassword },
    };
  } finally {
    await stats.end();
  }
}

/** True when the tenants of an earlier run no longer open with this run's DB_ENCRYPTION_KEY. */
export async function sealedWithAnotherKey(
  control: ControlContext,
  controlDb: Pool,
  options: BenchOptions,
): Promise<boolean> {
  const { rows } = await controlDb.query<{ id: string }>(
    `SELECT id FROM tenants WHERE slug ~ $1 AND status = 'ACTIVE' LIMIT 1`,
    [keptSlugs(options)],
  );
  if (!rows[0]) return false;
  try {
    await control.tenants.pgBouncerUrl(rows[0].id);
    return false;
  } catch (error) {
    if ((error as Error).name === 'SecretBoxError') return true;
    throw error;
  }
}
