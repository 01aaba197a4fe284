import { isAbsolute, join, resolve } from 'node:path';

export const SCENARIO_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export const REPO_ROOT = resolve(__dirname, '../..');

export interface BenchOptions {
  readonly scenarios: readonly ScenarioId[];
  /** Seconds of one round of one target. */
  readonly durationS: number;
  readonly rounds: number;
  readonly connections: number;
  /** Tenants of scenario (e). */
  readonly tenants: number;
  /** Tenants created (and deleted) by scenario (f), per mode. */
  readonly provision: number;
  readonly provisionConcurrency: number;
  readonly profile: boolean;
  /** Checkout whose built dist/ is the system under test. */
  readonly appRoot: string;
  readonly smoke: boolean;
  readonly fresh: boolean;
  /** Remove everything the bench keeps (tenants, control database, template, Redis database) and stop. */
  readonly drop: boolean;
  /** Tickets of the main bench tenant (scenarios a-d, g). */
  readonly tickets: number;
  /** Tickets of each tenant of scenario (e). */
  readonly tenantTickets: number;
  /** Concurrent logins of scenario (g) and the bcrypt cost of the storm user's hash. */
  readonly stormConnections: number;
  readonly stormCost: number;
  readonly controlDatabase: string;
  readonly templateDatabase: string;
  /** Redis database of the bench (queues, cache, rate limits); emptied at the start of a run. */
  readonly redisDb: number;
  /** control-api listens on it, app-api on port + 1, the baseline on port + 2. */
  readonly port: number;
  /** Results go to `<out>.md` and `<out>.json`. */
  readonly out: string;
  /** Prefix of every bench tenant's slug. */
  readonly slugPrefix: string;
}

export const USAGE = `Usage: pnpm run bench -- [options]

  --scenarios a,b,c,d,e,f,g   which scenarios to run (default: all)
                              a list 25, b ticket with comments, c create, d full-text search,
                              e list over many tenants, f provisioning, g bcrypt login storm
  --duration <s>              seconds per round of each target (default 10)
  --rounds <n>                rounds per target, interleaved with the baseline (default 3)
  --connections <n>           concurrent connections of the load (default 32)
  --tenants <n>               tenants of scenario e (default 200)
  --provision <n>             tenants provisioned by scenario f, per mode (default 50)
  --provision-concurrency <n> concurrency of the second mode of scenario f (default 4)
  --profile                   CPU-profile app-api; the top 15 functions go into the results
  --app-root <dir>            a checkout whose built dist/ is measured (default: this one)
  --smoke                     tiny numbers (1 s rounds, 1 round, 5 tenants, 200 tickets,
                              3 provisions, 4 logins at cost 4); results in .dev/bench/smoke.*
  --fresh                     drop the bench tenants and users first, then create them again
  --drop                      remove everything the bench keeps (its tenants with their
                              databases and roles, its control database, template and Redis
                              database, .dev/bench/) and run nothing
  --control-database <name>   the bench's control database (default helpdeskly_bench_control)
  --template-database <name>  its tenant template (default helpdeskly_tenant_template_bench)
  --redis-db <n>              the bench's Redis database, emptied at start (default 3)
  --port <n>                  control-api port; app-api +1, baseline +2 (default 6520)
  --out <path>                write <path>.md and <path>.json (default bench/results/latest)`;

export class UsageError extends Error {}

function positiveInt(name: string, value: string | undefined, min = 1): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min)
    throw new UsageError(`${name} takes an integer >= ${min}, got ${value ?? 'nothing'}`);
  return n;
}

/** Parses the command line; --smoke sets small defaults that explicit options still override. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const args = argv.filter((a) => a !== '--');
  const given = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (['profile', 'smoke', 'fresh', 'drop', 'help'].includes(name)) given.set(name, true);
    else given.set(name, inline ?? args[++i] ?? '');
  }
  const known = new Set([
    'scenarios',
    'duration',
    'rounds',
    'connections',
    'tenants',
    'provision',
    'provision-concurrency',
    'profile',
    'app-root',
    'smoke',
    'fresh',
    'drop',
    'control-database',
    'template-database',
    'redis-db',
    'port',
    'out',
    'help',
  ]);
  for (const name of given.keys()) if (!known.has(name)) throw new UsageError(`unknown option --${name}`);
  if (given.has('help')) throw new UsageError('');
  const smoke = given.has('smoke');
  const text = (name: string) => {
    const v = given.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const int = (name: string, fallback: number, min = 1) =>
    given.has(name) ? positiveInt(`--${name}`, text(name), min) : fallback;

  const scenarios = (text('scenarios') ?? SCENARIO_IDS.join(','))
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const s of scenarios)
    if (!(SCENARIO_IDS as readonly string[]).includes(s)) throw new UsageError(`unknown scenario ${s} (a to g)`);
  const database = (name: string, fallback: string) => {
    const value = text(name) ?? fallback;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value))
      throw new UsageError(`--${name} must be a plain lower-case PostgreSQL name`);
    return value;
  };
  const out = text('out') ?? (smoke ? '.dev/bench/smoke' : 'bench/results/latest');
  const appRoot = text('app-root') ?? REPO_ROOT;
  return {
    scenarios: SCENARIO_IDS.filter((s) => scenarios.includes(s)),
    durationS: int('duration', smoke ? 1 : 10),
    rounds: int('rounds', smoke ? 1 : 3),
    connections: int('connections', 32),
    tenants: int('tenants', smoke ? 5 : 200),
    provision: int('provision', smoke ? 3 : 50),
    provisionConcurrency: int('provision-concurrency', 4),
    profile: given.has('profile'),
    appRoot: isAbsolute(appRoot) ? appRoot : resolve(process.cwd(), appRoot),
    smoke,
    fresh: given.has('fresh'),
    drop: given.has('drop'),
    tickets: smoke ? 200 : 10_000,
    tenantTickets: smoke ? 50 : 300,
    stormConnections: smoke ? 4 : 32,
    stormCost: smoke ? 4 : 12,
    controlDatabase: database('control-database', 'helpdeskly_bench_control'),
    templateDatabase: database('template-database', 'helpdeskly_tenant_template_bench'),
    redisDb: int('redis-db', 3, 1),
    port: int('port', 6520, 1024),
    out: isAbsolute(out) ? out : join(REPO_ROOT, out),
    slugPrefix: smoke ? 'bench-smoke-' : 'bench-',
  };
}
