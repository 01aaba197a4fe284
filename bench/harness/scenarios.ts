// The scenarios: each measures app-api (or control-api) against its baseline in the same run,
// in interleaved rounds, and reports the median round of each, the errors and the targets.
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { Pool } from 'pg';
import type { BenchData, ControlContext } from './fixtures';
import {
  CREATED_CONTACT_DOMAIN,
  CREATED_SUBJECT,
  clearOutbox,
  provisionDatabasePrefix,
  removeCreatedTickets,
  removeProvisioningLeftovers,
  SEARCH_WORD,
  seededRequester,
  TAGS,
} from './fixtures';
import { addErrors, type LoadResult, type LoadSpec, type RequestShape, runLoad } from './load';
import type { BenchOptions, ScenarioId } from './options';
import type { RunningProcess } from './processes';
import { compareAnswers, type SameAnswer } from './same-answer';
import { peaksOf, type ResourcePeaks, type ResourceSample, ResourceSampler } from './sampler';
import { mapConcurrent, medianBy, sleep, summarize } from './util';

export interface BenchContext {
  readonly options: BenchOptions;
  readonly env: Record<string, string>;
  readonly data: BenchData;
  readonly app: RunningProcess;
  readonly control: RunningProcess;
  readonly baseline: RunningProcess;
  /** Administrative session on the server (DATABASE_URL), opened before any load. */
  readonly admin: Client;
  readonly controlDb: Pool;
  readonly pgbouncer: Client | undefined;
  /** The PgBouncer admin console of app-api (PGBOUNCER_ADMIN_URL), for RECONNECT. */
  readonly pgbouncerAdmin: Client | undefined;
  readonly controlContext: ControlContext;
  readonly runId: string;
  readonly log: (line: string) => void;
  /** Same-answer checks, made by {@link checkSameAnswers} before any load. */
  readonly checks: Map<ScenarioId, SameAnswer>;
}

/** One line of a scenario's table; a `ratio` line holds factors (x) where the others hold req/s and ms. */
export interface Row {
  readonly label: string;
  readonly ratio?: true;
  readonly rps?: number;
  readonly p50?: number;
  readonly p95?: number;
  readonly p99?: number;
  readonly total?: number;
  readonly errors?: number;
  readonly rounds?: readonly number[];
}

export interface Target {
  readonly text: string;
  readonly value: string;
  /** null: cannot be judged (e.g. no budget to compare with). */
  readonly met: boolean | null;
}

export interface ScenarioResult {
  readonly id: ScenarioId;
  readonly title: string;
  readonly request: string;
  /** Throughput of the system under test (req/s; logins/s for g; tenants/s for f). */
  readonly rps: number;
  /** The system under test as a fraction of its baseline (for g: list p99 without the storm ÷ with it). */
  readonly ratio: number;
  readonly ratioMeaning: string;
  /** Every non-2xx answer and socket error of the scenario, app and baseline, warm-ups included. */
  readonly errors: number;
  readonly errorsByKind: Record<string, number>;
  /** Read scenarios: whether app and baseline answered one request identically. */
  readonly sameAnswer: 'yes' | 'no' | null;
  readonly sameAnswerCheck?: SameAnswer;
  readonly rows: readonly Row[];
  readonly targets: readonly Target[];
  readonly notes: readonly string[];
  readonly samples?: {
    readonly budget: number | null;
    readonly peaks: ResourcePeaks;
    readonly rounds: readonly (readonly ResourceSample[])[];
  };
  /** Every measured run, by target, in the order they ran. */
  readonly runs?: Readonly<Record<string, readonly LoadResult[]>>;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const x = (ratio: number) => `${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'}x`;
const ms = (value: number) => `${Number.isFinite(value) ? value.toFixed(1) : 'n/a'} ms`;

export const LIST_PATH = '/v1/tickets?status=OPEN&sort=-updated&limit=25';
const SEARCH_PATH = `/v1/tickets?q=${SEARCH_WORD}&limit=25`;
const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];
/** Fields of a new ticket that differ between two creates of the same body. */
const CREATE_IGNORED = ['id', 'number', 'createdAt', 'updatedAt', 'firstResponseDueAt', 'resolutionDueAt'];

const warmupS = (options: BenchOptions) => Math.min(2, options.durationS / 2);

/**
 * Closes PgBouncer's server connections of the main tenant's database (RECONNECT), and waits until
 * they are gone, so that each run starts with the whole pool: max_db_connections counts every
 * user's connections of a database, so another role's idle ones (app-api's, or the baseline's when
 * they log in as different roles) would otherwise take part of it for server_idle_timeout.
 */
async function releaseServerConnections(
  ctx: BenchContext,
  databases: readonly string[] = [ctx.data.main.databaseName],
): Promise<void> {
  if (!ctx.pgbouncerAdmin) return;
  const wanted = new Set(databases);
  const sum = (rows: Array<Record<string, string>>, columns: string[]) =>
    rows.reduce((n, r) => n + columns.reduce((m, c) => m + Number(r[c] ?? 0), 0), 0);
  const deadline = Date.now() + 15_000;
  const sent = new Map<string, number>();
  while (Date.now() < deadline) {
    const { rows } = await ctx.pgbouncerAdmin.query<Record<string, string>>('SHOW POOLS');
    const open = new Map<string, Array<Record<string, string>>>();
    for (const r of rows)
      if (wanted.has(r.database!) && r.user !== 'pgbouncer_auth')
        open.set(r.database!, [...(open.get(r.database!) ?? []), r]);
    let left = 0;
    for (const [database, pools] of open) {
      if (sum(pools, ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login']) === 0) continue;
      left++;
      // Requests still queued from the last run would open new connections after a RECONNECT: wait for them first.
      if (sum(pools, ['sv_active', 'cl_waiting']) === 0 && Date.now() - (sent.get(database) ?? 0) > 500) {
        await ctx.pgbouncerAdmin.query(`RECONNECT ${database}`);
        sent.set(database, Date.now());
      }
    }
    if (left === 0) return;
    await sleep(50);
  }
  ctx.log(
    `    (server connections of ${databases.length === 1 ? databases[0] : `${databases.length} databases`} still open after 15 s)`,
  );
}

function spec(
  ctx: BenchContext,
  baseUrl: string,
  request: () => RequestShape,
  durationS = ctx.options.durationS,
): LoadSpec {
  return { baseUrl, request, connections: ctx.options.connections, durationS };
}

/** The median round (by req/s) of a target, and its table row. */
function medianRow(label: string, rounds: readonly LoadResult[]): { row: Row; median: LoadResult } {
  const median = medianBy(rounds, (r) => r.rps);
  return {
    row: {
      label,
      rps: median.rps,
      p50: median.p50,
      p95: median.p95,
      p99: median.p99,
      errors: addErrors(rounds).errors,
      rounds: rounds.map((r) => r.rps),
    },
    median,
  };
}

/**
 * Warm-up of both, then `rounds` rounds of app and baseline in alternating order, so that drift
 * (autovacuum, caches, a noisy neighbour) falls on both alike.
 */
async function interleaved(
  ctx: BenchContext,
  request: () => RequestShape,
  afterRun?: (target: 'app' | 'baseline') => Promise<void>,
): Promise<{ app: LoadResult[]; baseline: LoadResult[]; warmups: LoadResult[] }> {
  const urls = { app: ctx.app.baseUrl, baseline: ctx.baseline.baseUrl };
  const warmups: LoadResult[] = [];
  for (const target of ['app', 'baseline'] as const) {
    await releaseServerConnections(ctx);
    const warmup = await runLoad(spec(ctx, urls[target], request, warmupS(ctx.options)));
    warmups.push(warmup);
    ctx.log(
      `    warm-up ${target.padEnd(8)} ${warmup.rps.toFixed(0).padStart(6)} req/s  p99 ${ms(warmup.p99)}${warmup.errors ? `  errors ${JSON.stringify(warmup.errorsByKind)}` : ''}`,
    );
    await afterRun?.(target);
  }
  const results = { app: [] as LoadResult[], baseline: [] as LoadResult[] };
  for (let round = 0; round < ctx.options.rounds; round++) {
    for (const target of round % 2 === 0 ? (['app', 'baseline'] as const) : (['baseline', 'app'] as const)) {
      await releaseServerConnections(ctx);
      const result = await runLoad(spec(ctx, urls[target], request));
      results[target].push(result);
      ctx.log(
        `    round ${round + 1} ${target.padEnd(8)} ${result.rps.toFixed(0).padStart(6)} req/s  p99 ${ms(result.p99)}${result.errors ? `  errors ${JSON.stringify(result.errorsByKind)}` : ''}`,
      );
      await afterRun?.(target);
    }
  }
  return { ...results, warmups };
}

/** (a), (b), (c), (d): app-api against the baseline on the same request. */
async function pairedScenario(
  ctx: BenchContext,
  def: {
    id: ScenarioId;
    title: string;
    request: string;
    make: () => RequestShape;
    read: boolean;
    minRatio: number;
    p99Factor?: number;
    notes?: string[];
  },
  afterRun?: (target: 'app' | 'baseline') => Promise<void>,
): Promise<ScenarioResult> {
  const check = ctx.checks.get(def.id);
  const runs = await interleaved(ctx, def.make, afterRun);
  const app = medianRow('app-api', runs.app);
  const baseline = medianRow('baseline', runs.baseline);
  const { errors, errorsByKind } = addErrors([...runs.app, ...runs.baseline, ...runs.warmups]);
  const ratio = app.median.rps / baseline.median.rps;
  const p99Ratio = app.median.p99 / baseline.median.p99;
  const targets: Target[] = [
    { text: 'zero errors', value: String(errors), met: errors === 0 },
    { text: `throughput >= ${def.minRatio.toFixed(2)}x baseline`, value: x(ratio), met: ratio >= def.minRatio },
  ];
  if (def.p99Factor)
    targets.push({ text: `p99 <= ${def.p99Factor}x baseline p99`, value: x(p99Ratio), met: p99Ratio <= def.p99Factor });
  if (check && def.read) targets.push({ text: 'same answer', value: check.same ? 'yes' : 'no', met: check.same });
  return {
    id: def.id,
    title: def.title,
    request: def.request,
    rps: app.median.rps,
    ratio,
    ratioMeaning: 'app-api req/s ÷ baseline req/s (median rounds)',
    errors,
    errorsByKind,
    sameAnswer: def.read && check ? (check.same ? 'yes' : 'no') : null,
    sameAnswerCheck: check,
    rows: [app.row, baseline.row, { label: 'app-api / baseline', ratio: true, rps: ratio, p99: p99Ratio }],
    runs: { app: runs.app, baseline: runs.baseline, warmups: runs.warmups },
    targets,
    notes: [
      ...(def.notes ?? []),
      ctx.pgbouncerAdmin
        ? "Before every run the bench sends RECONNECT for the tenant database to PgBouncer and waits for its server connections to close, so that each target starts with the whole pool (max_db_connections counts every role's connections of a database)."
        : 'PGBOUNCER_ADMIN_URL is not set: server connections left idle by one target may take part of the pool of the next for server_idle_timeout.',
      ...(check && !def.read
        ? [`Same answer (ignoring ${check.ignored.join(', ')}): ${check.same ? 'yes' : `no, ${check.difference}`}.`]
        : []),
    ],
  };
}

const ticketPath = (ctx: BenchContext) => `/v1/tickets/${ctx.data.main.commentedTicketId}?include=comments`;

/** The one request of a scenario whose two answers are compared, and the fields that may differ. */
function checkRequest(
  ctx: BenchContext,
  id: ScenarioId,
): { request: RequestShape; ignored?: string[]; what: string } | undefined {
  const headers = bearer(ctx.data.main.tokens[0]!);
  switch (id) {
    case 'a':
      return { request: { method: 'GET', path: LIST_PATH, headers }, what: LIST_PATH };
    case 'b':
      return { request: { method: 'GET', path: ticketPath(ctx), headers }, what: ticketPath(ctx) };
    case 'c': {
      // An existing requester, so both answers name the same contact.
      const body = JSON.stringify({
        subject: `${CREATED_SUBJECT} ${ctx.runId}-check`,
        description: 'Same answer check.',
        requester: { email: seededRequester(0), name: 'Check' },
        priority: 'HIGH',
        tags: [TAGS[0], TAGS[1]],
      });
      return {
        request: {
          method: 'POST',
          path: '/v1/tickets',
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        },
        ignored: CREATE_IGNORED,
        what: 'POST /v1/tickets',
      };
    }
    case 'd':
      return { request: { method: 'GET', path: SEARCH_PATH, headers }, what: SEARCH_PATH };
    case 'e': {
      const tenant = ctx.data.many[0]!;
      return {
        request: { method: 'GET', path: LIST_PATH, headers: bearer(tenant.tokens[0]!) },
        what: `${LIST_PATH} on ${tenant.slug}`,
      };
    }
    default:
      return undefined;
  }
}

/** Before any load: one request of each scenario to app-api and to the baseline, compared. */
export async function checkSameAnswers(ctx: BenchContext): Promise<void> {
  for (const id of ctx.options.scenarios) {
    const check = checkRequest(ctx, id);
    if (!check) continue;
    const result = await compareAnswers(ctx.app.baseUrl, ctx.baseline.baseUrl, check.request, check.ignored);
    ctx.checks.set(id, result);
    ctx.log(
      `  (${id}) ${check.what}: same answer ${result.same ? 'yes' : 'no'}${result.difference ? ` (${result.difference})` : ''}`,
    );
  }
}

function listRequest(tokens: readonly string[]): () => RequestShape {
  return () => ({ method: 'GET', path: LIST_PATH, headers: bearer(pick(tokens)) });
}

export function scenarioA(ctx: BenchContext): Promise<ScenarioResult> {
  const make = listRequest(ctx.data.main.tokens);
  return pairedScenario(ctx, {
    id: 'a',
    title: 'List 25 tickets',
    request: `GET ${LIST_PATH} (one tenant, ${ctx.data.main.tickets} tickets)`,
    make,
    read: true,
    minRatio: 0.8,
    p99Factor: 2,
  });
}

export function scenarioB(ctx: BenchContext): Promise<ScenarioResult> {
  const path = ticketPath(ctx);
  const make = () => ({ method: 'GET' as const, path, headers: bearer(pick(ctx.data.main.tokens)) });
  return pairedScenario(ctx, {
    id: 'b',
    title: 'One ticket with its comments',
    request: `GET /v1/tickets/:id?include=comments (a ticket with ${ctx.data.main.comments} comments)`,
    make,
    read: true,
    minRatio: 0.8,
    p99Factor: 2,
  });
}

export function scenarioC(ctx: BenchContext): Promise<ScenarioResult> {
  let seq = 0;
  const body = (existing: boolean) => {
    const n = seq++;
    const email = existing
      ? seededRequester(n % ctx.data.main.contacts)
      : `new-${ctx.runId}-${n}@${CREATED_CONTACT_DOMAIN}`;
    return JSON.stringify({
      subject: `${CREATED_SUBJECT} ${ctx.runId}-${n}`,
      description: `Since this morning the ${TAGS[n % TAGS.length]} page shows an error after the last update (request ${n}).`,
      requester: { email, name: `New requester ${n}` },
      priority: PRIORITIES[n % PRIORITIES.length],
      tags: [TAGS[n % 20], TAGS[(n * 7 + 3) % 20]],
    });
  };
  const post = (existing: boolean): RequestShape => ({
    method: 'POST',
    path: '/v1/tickets',
    headers: { ...bearer(pick(ctx.data.main.tokens)), 'content-type': 'application/json' },
    body: body(existing),
  });
  const { main } = ctx.data;
  const adminUrl = ctx.env.DATABASE_URL!;
  return pairedScenario(
    ctx,
    {
      id: 'c',
      title: 'Create a ticket',
      request: 'POST /v1/tickets (subject, description, requester: every other one a new contact, priority, 2 tags)',
      make: () => post(seq % 2 === 1),
      read: false,
      minRatio: 0.6,
      notes: [
        "The baseline writes what TicketsService.create writes, in one statement (one transaction): contact and tags upserted, ticket, ticket_tags, events (created + one per initial field), the ticket-created outbox row. It does not enqueue the email nor delete the row afterwards, as app-api does after its commit; the bench deletes the baseline's outbox rows after each of its runs.",
        'Tickets and new contacts created here are deleted after the scenario.',
      ],
    },
    async (target) => {
      if (target === 'baseline') await clearOutbox(adminUrl, main.databaseName);
    },
  ).finally(async () => {
    const removed = await removeCreatedTickets(adminUrl, main.databaseName);
    ctx.log(`  removed ${removed} created tickets`);
  });
}

export function scenarioD(ctx: BenchContext): Promise<ScenarioResult> {
  const make = () => ({ method: 'GET' as const, path: SEARCH_PATH, headers: bearer(pick(ctx.data.main.tokens)) });
  return pairedScenario(ctx, {
    id: 'd',
    title: 'Full-text search',
    request: `GET ${SEARCH_PATH} (ranked by relevance; "${SEARCH_WORD}" matches ${ctx.data.main.searchMatches} tickets)`,
    make,
    read: true,
    minRatio: 0.7,
  });
}

/** (e): the list of (a) spread uniformly over many tenants; its baseline is (a) on app-api, measured in the same rounds. */
export async function scenarioE(ctx: BenchContext): Promise<ScenarioResult> {
  const tokens = ctx.data.many.flatMap((t) => [...t.tokens]);
  const many = listRequest(tokens);
  const one = listRequest(ctx.data.main.tokens);
  const sampler = new ResourceSampler(ctx.app.pid, ctx.app.baseUrl, ctx.admin, ctx.pgbouncer);
  const budget = await sampler.budget();
  const {
    rows: [settings],
  } = await ctx.admin.query<{ max_connections: string }>('SHOW max_connections');
  const check = ctx.checks.get('e')!;

  const manyDatabases = ctx.data.many.map((t) => t.databaseName);
  const warmups = [await runLoad(spec(ctx, ctx.app.baseUrl, many, warmupS(ctx.options)))];
  await releaseServerConnections(ctx, manyDatabases);
  const manyRuns: LoadResult[] = [];
  const oneRuns: LoadResult[] = [];
  const sampled: ResourceSample[][] = [];
  for (let round = 0; round < ctx.options.rounds; round++) {
    for (const which of round % 2 === 0 ? (['many', 'one'] as const) : (['one', 'many'] as const)) {
      if (which === 'many') {
        const { result, samples } = await sampler.during(() => runLoad(spec(ctx, ctx.app.baseUrl, many)));
        // Each round starts from the same state: the idle backends of this one closed, not lingering for server_idle_timeout.
        await releaseServerConnections(ctx, manyDatabases);
        manyRuns.push(result);
        sampled.push(samples);
        const peaks = peaksOf(samples);
        ctx.log(
          `    round ${round + 1} ${ctx.data.many.length} tenants ${result.rps.toFixed(0).padStart(6)} req/s  p99 ${ms(result.p99)}  peaks: rss ${peaks.rssMb.toFixed(0)} MB, clients ${peaks.tenantClients}, pgbouncer servers ${peaks.pgbouncerServers}, backends ${peaks.backends} (tenant ${peaks.tenantBackends})${result.errors ? `  errors ${JSON.stringify(result.errorsByKind)}` : ''}`,
        );
      } else {
        await releaseServerConnections(ctx);
        const result = await runLoad(spec(ctx, ctx.app.baseUrl, one));
        oneRuns.push(result);
        ctx.log(
          `    round ${round + 1} one tenant ${result.rps.toFixed(0).padStart(6)} req/s  p99 ${ms(result.p99)}${result.errors ? `  errors ${JSON.stringify(result.errorsByKind)}` : ''}`,
        );
      }
    }
  }
  const manyRow = medianRow(`app-api, ${ctx.data.many.length} tenants`, manyRuns);
  const oneRow = medianRow('app-api, one tenant (scenario a)', oneRuns);
  const ratio = manyRow.median.rps / oneRow.median.rps;
  const { errors, errorsByKind } = addErrors([...manyRuns, ...oneRuns, ...warmups]);
  const peaks = peaksOf(sampled.flat());
  return {
    id: 'e',
    title: `List 25 over ${ctx.data.many.length} tenants`,
    request: `GET ${LIST_PATH}, each request with the token of a tenant picked at random among ${ctx.data.many.length} (${ctx.options.tenantTickets} tickets each)`,
    rps: manyRow.median.rps,
    ratio,
    ratioMeaning: `app-api req/s over ${ctx.data.many.length} tenants ÷ app-api req/s on one tenant (the list of a), median rounds`,
    errors,
    errorsByKind,
    sameAnswer: check.same ? 'yes' : 'no',
    sameAnswerCheck: check,
    rows: [
      manyRow.row,
      oneRow.row,
      { label: 'many / one', ratio: true, rps: ratio, p99: manyRow.median.p99 / oneRow.median.p99 },
    ],
    runs: { many: manyRuns, one: oneRuns, warmups },
    targets: [
      { text: 'zero errors', value: String(errors), met: errors === 0 },
      { text: 'throughput >= 0.70x of (a)', value: x(ratio), met: ratio >= 0.7 },
      { text: 'app-api RSS < 512 MB', value: `${peaks.rssMb.toFixed(0)} MB peak`, met: peaks.rssMb < 512 },
      {
        text: `tenant backends never above the budget (${budget ?? 'n/a'})`,
        value: `${peaks.tenantBackends} peak`,
        met: budget === null || budget < 0 ? null : peaks.tenantBackends <= budget,
      },
      { text: 'same answer', value: check.same ? 'yes' : 'no', met: check.same },
    ],
    notes: [
      `Budget: ${budget === null ? 'n/a (no role helpdeskly_gateway)' : budget < 0 ? 'no limit (helpdeskly_gateway has rolconnlimit -1)' : `${budget} (rolconnlimit of helpdeskly_gateway)`}. PostgreSQL max_connections: ${settings?.max_connections}.`,
      `TENANT_CLIENT_MAX ${ctx.env.TENANT_CLIENT_MAX ?? '200 (default)'}, TENANT_CLIENT_POOL_SIZE ${ctx.env.TENANT_CLIENT_POOL_SIZE ?? '2 (default)'}, TENANT_CLIENT_IDLE_SECONDS ${ctx.env.TENANT_CLIENT_IDLE_SECONDS ?? '60 (default)'} (from .env).`,
      'Sampled every second during the many-tenant rounds; backends are client backends of pg_stat_activity (all, and those on tenant databases).',
      ctx.pgbouncerAdmin
        ? 'After every run the bench sends RECONNECT for the databases it used and waits for their server connections to close, so that each round starts from the same state.'
        : 'PGBOUNCER_ADMIN_URL is not set: backends of one round linger into the next for server_idle_timeout.',
    ],
    samples: { budget, peaks, rounds: sampled },
  };
}

/** (f): TenantsService.createTenant in process, against a bare CREATE DATABASE ... TEMPLATE on the same server. */
export async function scenarioF(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  const n = options.provision;
  const template = ctx.env.TENANT_TEMPLATE_DATABASE!;
  const tenants = ctx.controlContext.tenants;
  const errorsByKind: Record<string, number> = {};
  const failed = (error: unknown) => {
    const kind = (error as { code?: string }).code ?? (error as Error).name ?? 'error';
    errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
  };
  const created: string[] = [];
  const databases: string[] = [];
  const timed = async (fn: () => Promise<void>): Promise<number | undefined> => {
    const started = performance.now();
    try {
      await fn();
      return performance.now() - started;
    } catch (error) {
      failed(error);
      return undefined;
    }
  };
  const createTenant = (label: string) =>
    timed(async () => {
      const tenant = await tenants.createTenant({
        slug: `${options.slugPrefix}prov-${ctx.runId}-${label}`,
        name: `Bench provisioning ${label}`,
      });
      created.push(tenant.id);
    });
  const pool = new Pool({
    connectionString: ctx.env.DATABASE_URL,
    max: options.provisionConcurrency,
    application_name: 'helpdeskly-bench-provisioning',
  });
  const createDatabase = (label: string) =>
    timed(async () => {
      const name = `${provisionDatabasePrefix(options)}${ctx.runId}_${label}`;
      await pool.query(`CREATE DATABASE "${name}" TEMPLATE "${template}" STRATEGY WAL_LOG`);
      databases.push(name);
    });
  const run = async (label: string, mode: 'seq' | 'conc', fn: (label: string) => Promise<number | undefined>) => {
    const started = performance.now();
    const durations = await mapConcurrent(
      Array.from({ length: n }, (_, i) => `${mode}${i + 1}`),
      mode === 'seq' ? 1 : options.provisionConcurrency,
      fn,
    );
    const totalMs = performance.now() - started;
    const ok = durations.filter((d): d is number => d !== undefined);
    const stats = summarize(ok);
    ctx.log(
      `    ${label.padEnd(34)} p50 ${ms(stats.p50)}  p95 ${ms(stats.p95)}  total ${(totalMs / 1000).toFixed(2)} s${ok.length < n ? `  failed ${n - ok.length}` : ''}`,
    );
    return { label, p50: stats.p50, p95: stats.p95, total: totalMs, ok: ok.length };
  };

  let rows: Array<{ label: string; p50: number; p95: number; total: number; ok: number }> = [];
  let deletion = { p50: Number.NaN, p95: Number.NaN };
  try {
    // Not counted: the first clone of this process checks the template once.
    await createTenant('warm');
    await createDatabase('warm');
    rows = [
      await run('createTenant, one at a time', 'seq', createTenant),
      await run('CREATE DATABASE, one at a time', 'seq', createDatabase),
      await run(`createTenant, ${options.provisionConcurrency} at a time`, 'conc', createTenant),
      await run(`CREATE DATABASE, ${options.provisionConcurrency} at a time`, 'conc', createDatabase),
    ];
  } finally {
    // Each step on its own: a failure (a server out of connections) must not leave the rest behind.
    const times: number[] = [];
    for (const id of created) {
      const started = performance.now();
      await tenants.deleteTenant(id).then(() => times.push(performance.now() - started), failed);
    }
    deletion = summarize(times);
    await pool.end();
    const left = await removeProvisioningLeftovers(
      ctx.controlContext,
      ctx.controlDb,
      ctx.env.DATABASE_URL!,
      options,
    ).catch((error: unknown) => {
      failed(error);
      return -1;
    });
    ctx.log(
      `  deleted ${times.length} of ${created.length} tenants (deleteTenant p50 ${ms(deletion.p50)}) and ${databases.length} databases${left < 0 ? '; cleanup failed, the next run retries it' : ''}`,
    );
  }
  const [appSeq, baseSeq, appConc] = rows as [(typeof rows)[number], (typeof rows)[number], (typeof rows)[number]];
  const errors = Object.values(errorsByKind).reduce((a, b) => a + b, 0);
  const ratio = baseSeq.total / appSeq.total;
  // ms per tenant x 1,000 tenants / 1,000 ms = seconds for 1,000 tenants.
  const thousandS = appConc.total / n;
  const thousandSeqS = appSeq.total / n;
  const extrapolated = n < 1000;
  return {
    id: 'f',
    title: `Provisioning ${n} tenants`,
    request: `TenantsService.createTenant (control rows, role, clone of ${template}, privileges, audit) in process; baseline: CREATE DATABASE x TEMPLATE ${template} STRATEGY WAL_LOG`,
    rps: (appConc.ok * 1000) / appConc.total,
    ratio,
    ratioMeaning: 'createTenant throughput ÷ CREATE DATABASE throughput, one at a time',
    errors,
    errorsByKind,
    sameAnswer: null,
    rows: [
      ...rows.map((r) => ({
        label: r.label,
        rps: (r.ok * 1000) / r.total,
        p50: r.p50,
        p95: r.p95,
        total: r.total,
        errors: n - r.ok,
      })),
      { label: 'deleteTenant (cleanup)', p50: deletion.p50, p95: deletion.p95 },
      {
        label: 'createTenant / CREATE DATABASE, one at a time',
        ratio: true,
        rps: ratio,
        p50: appSeq.p50 / baseSeq.p50,
      },
    ],
    targets: [
      { text: 'zero errors', value: String(errors), met: errors === 0 },
      { text: 'p50 <= 100 ms (one at a time)', value: ms(appSeq.p50), met: appSeq.p50 <= 100 },
      {
        text: `1,000 tenants < 2 min (${options.provisionConcurrency} at a time${extrapolated ? `, extrapolated from ${n}` : ''})`,
        value: `${thousandS.toFixed(0)} s (one at a time: ${thousandSeqS.toFixed(0)} s)`,
        met: thousandS < 120,
      },
    ],
    notes: [
      extrapolated
        ? `1,000 tenants extrapolated linearly from the total of ${n} (ignores the cost of a server holding more databases).`
        : `Measured on ${n} tenants.`,
      'A warm-up tenant and database (not counted) come first. Everything created is deleted at the end.',
    ],
  };
}

/** (g): a bcrypt login storm on control-api while /health and app-api's list are probed, against the same probes without the storm. */
export async function scenarioG(ctx: BenchContext): Promise<ScenarioResult> {
  const { options, data } = ctx;
  const loginBody = JSON.stringify({ email: data.storm.email, password: data.storm.password });
  const storm: LoadSpec = {
    baseUrl: ctx.control.baseUrl,
    request: () => ({
      method: 'POST',
      path: '/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      body: loginBody,
    }),
    connections: options.stormConnections,
    durationS: options.durationS,
    timeoutS: 60,
  };
  const probeRate = 40;
  const health: LoadSpec = {
    baseUrl: ctx.control.baseUrl,
    request: () => ({ method: 'GET', path: '/health', headers: {} }),
    connections: 2,
    durationS: options.durationS,
    overallRate: probeRate,
  };
  const list: LoadSpec = {
    baseUrl: ctx.app.baseUrl,
    request: listRequest(data.main.tokens),
    connections: 2,
    durationS: options.durationS,
    overallRate: probeRate,
  };
  const warmups = await Promise.all([
    runLoad({ ...health, durationS: warmupS(options) }),
    runLoad({ ...list, durationS: warmupS(options) }),
  ]);

  const runs = {
    storm: [] as LoadResult[],
    healthDuring: [] as LoadResult[],
    listDuring: [] as LoadResult[],
    healthQuiet: [] as LoadResult[],
    listQuiet: [] as LoadResult[],
  };
  for (let round = 0; round < options.rounds; round++) {
    for (const which of round % 2 === 0 ? (['storm', 'quiet'] as const) : (['quiet', 'storm'] as const)) {
      if (which === 'storm') {
        const [s, h, l] = await Promise.all([runLoad(storm), runLoad(health), runLoad(list)]);
        runs.storm.push(s);
        runs.healthDuring.push(h);
        runs.listDuring.push(l);
        ctx.log(
          `    round ${round + 1} storm  ${s.rps.toFixed(1)} logins/s | /health p99 ${ms(h.p99)} | list p99 ${ms(l.p99)}${s.errors + h.errors + l.errors ? `  errors ${JSON.stringify(addErrors([s, h, l]).errorsByKind)}` : ''}`,
        );
      } else {
        const [h, l] = await Promise.all([runLoad(health), runLoad(list)]);
        runs.healthQuiet.push(h);
        runs.listQuiet.push(l);
        ctx.log(
          `    round ${round + 1} quiet  /health p99 ${ms(h.p99)} | list p99 ${ms(l.p99)}${h.errors + l.errors ? `  errors ${JSON.stringify(addErrors([h, l]).errorsByKind)}` : ''}`,
        );
      }
    }
  }
  await ctx.controlDb.query('DELETE FROM refresh_tokens WHERE user_id = (SELECT id FROM users WHERE email = $1)', [
    data.storm.email,
  ]);

  const stormRow = medianRow(
    `login storm (${options.stormConnections} concurrent, bcrypt cost ${options.stormCost})`,
    runs.storm,
  );
  const byP99 = (rounds: LoadResult[]) => medianBy(rounds, (r) => r.p99);
  const row = (label: string, rounds: LoadResult[]): Row => {
    const m = byP99(rounds);
    return {
      label,
      rps: m.rps,
      p50: m.p50,
      p95: m.p95,
      p99: m.p99,
      errors: addErrors(rounds).errors,
      rounds: rounds.map((r) => r.p99),
    };
  };
  const healthDuring = byP99(runs.healthDuring);
  const listDuring = byP99(runs.listDuring);
  const listQuiet = byP99(runs.listQuiet);
  const healthQuiet = byP99(runs.healthQuiet);
  const { errors, errorsByKind } = addErrors([...Object.values(runs).flat(), ...warmups]);
  const ratio = listQuiet.p99 / listDuring.p99;
  return {
    id: 'g',
    title: 'bcrypt login storm',
    request: `POST /v1/auth/login on control-api, ${options.stormConnections} concurrent (BCRYPT_ROUNDS ${options.stormCost}), while GET /health (control-api) and GET ${LIST_PATH} (app-api) are probed at ${probeRate} req/s each`,
    rps: stormRow.median.rps,
    ratio,
    ratioMeaning: 'list p99 without the storm ÷ list p99 during the storm (median rounds by p99)',
    errors,
    errorsByKind,
    sameAnswer: null,
    runs: { ...runs, warmups },
    rows: [
      stormRow.row,
      row('/health during the storm', runs.healthDuring),
      row('/health without the storm', runs.healthQuiet),
      row('list during the storm', runs.listDuring),
      row('list without the storm', runs.listQuiet),
    ],
    targets: [
      { text: 'zero errors', value: String(errors), met: errors === 0 },
      {
        text: '/health p99 < 25 ms during the storm',
        value: `${ms(healthDuring.p99)} (without: ${ms(healthQuiet.p99)})`,
        met: healthDuring.p99 < 25,
      },
      {
        text: 'list p99 < 100 ms during the storm',
        value: `${ms(listDuring.p99)} (without: ${ms(listQuiet.p99)})`,
        met: listDuring.p99 < 100,
      },
    ],
    notes: [
      `Logins/s: ${stormRow.median.rps.toFixed(1)} (median round). Probe rows are the median round by p99; their "rounds" column lists each round's p99.`,
    ],
  };
}

export const SCENARIOS: Record<ScenarioId, (ctx: BenchContext) => Promise<ScenarioResult>> = {
  a: scenarioA,
  b: scenarioB,
  c: scenarioC,
  d: scenarioD,
  e: scenarioE,
  f: scenarioF,
  g: scenarioG,
};

export const newRunId = () => randomBytes(3).toString('hex');
