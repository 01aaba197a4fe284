// One benchmark command for the hot paths and for many tenants (bench/README.md):
//
//   pnpm run bench -- [--scenarios a,b,c,d,e,f,g] [--duration 10] [--rounds 3] [--tenants 200] ...
//
// Sets up its own control database, template, tenants and Redis database on the local PostgreSQL,
// PgBouncer and Redis, starts the built APIs as production runs them and the baseline server,
// drives them with autocannon from this process, prints a table per scenario and writes
// bench/results/latest.md and latest.json (--smoke: .dev/bench/smoke.*).
import 'reflect-metadata';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client, Pool } from 'pg';
import { loadConfig, loadDotEnv } from '@helpdeskly/config';
import type { BaselineConfig } from './baseline/server';
import { benchEnvironment, benchSecrets, pgbouncerStatsUrl, PROFILE_DIR, STATE_DIR } from './harness/environment';
import {
  ControlContext,
  dropBenchData,
  dropEverything,
  ensureControlDatabase,
  prepareBenchData,
  sealedWithAnotherKey,
} from './harness/fixtures';
import { LogDigest } from './harness/log-digest';
import { type BenchOptions, parseOptions, REPO_ROOT, SCENARIO_IDS, USAGE, UsageError } from './harness/options';
import { hotFunctions, profileOf } from './harness/profile';
import { type RunningProcess, startProcess, stopProcess } from './harness/processes';
import { type BenchReport, describeMachine, scenarioMarkdown, summaryMarkdown, writeReport } from './harness/report';
import { type BenchContext, checkSameAnswers, newRunId, SCENARIOS, type ScenarioResult } from './harness/scenarios';

const APP_MAIN = 'dist/apps/app-api/apps/app-api/src/main.js';
const CONTROL_MAIN = 'dist/apps/control-api/apps/control-api/src/main.js';
const BASELINE_CONFIG = join(STATE_DIR, 'baseline.json');

const log = (line: string) => console.log(line);

/** Fails before anything is touched when a port is taken (another bench run, most likely). */
async function assertPortsFree(ports: number[]): Promise<void> {
  for (const port of ports) {
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', () =>
        reject(
          new Error(
            `port ${port} is in use: another bench run (or something else) is listening there; wait for it or pass --port`,
          ),
        ),
      );
      server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
    });
  }
}

async function flushBenchRedis(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

async function startAll(
  options: BenchOptions,
  env: Record<string, string>,
): Promise<{ control: RunningProcess; app: RunningProcess; baseline: RunningProcess }> {
  for (const main of [APP_MAIN, CONTROL_MAIN]) {
    if (!existsSync(join(options.appRoot, main)))
      throw new Error(
        `${join(options.appRoot, main)} is missing: build it first (npx -y pnpm@12.21.0 run build in ${options.appRoot})`,
      );
  }
  if (options.profile) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    for (const f of readdirSync(PROFILE_DIR)) if (f.endsWith('.cpuprofile')) rmSync(join(PROFILE_DIR, f));
  }
  const baselineEnv = { ...(process.env as Record<string, string>), NODE_ENV: 'production' };
  const started = await Promise.allSettled([
    startProcess({
      name: 'control-api',
      args: [join(options.appRoot, CONTROL_MAIN)],
      cwd: options.appRoot,
      env,
      port: options.port,
      readyPath: '/health/ready',
    }),
    startProcess({
      name: 'app-api',
      args: [
        ...(options.profile ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : []),
        join(options.appRoot, APP_MAIN),
      ],
      cwd: options.appRoot,
      env,
      port: options.port + 1,
      readyPath: '/health/ready',
    }),
    startProcess({
      name: 'baseline',
      args: ['-r', '@swc-node/register', join(REPO_ROOT, 'bench/baseline/server.ts'), BASELINE_CONFIG],
      cwd: REPO_ROOT,
      env: baselineEnv,
      port: options.port + 2,
      readyPath: '/health',
    }),
  ]);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? stopProcess(s.value) : undefined)));
    throw failed.reason;
  }
  const [control, app, baseline] = started.map((s) => (s as PromiseFulfilledResult<RunningProcess>).value) as [
    RunningProcess,
    RunningProcess,
    RunningProcess,
  ];
  return { control, app, baseline };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  // .env and .dev/ are read relative to the checkout, wherever the command was started.
  process.chdir(REPO_ROOT);
  loadDotEnv(join(REPO_ROOT, '.env'));
  const started = performance.now();
  const runId = newRunId();
  log(
    `Bench ${runId}: scenarios ${options.scenarios.join(',')}, ${options.rounds} x ${options.durationS} s rounds, ${options.connections} connections${options.smoke ? ' (smoke)' : ''}`,
  );

  await assertPortsFree([options.port, options.port + 1, options.port + 2]);
  const secrets = benchSecrets();
  const env = benchEnvironment(options, secrets);
  const config = loadConfig(env);
  log(
    `Setting up (control database ${options.controlDatabase}, template ${options.templateDatabase}, Redis ${env.REDIS_URL})`,
  );
  await flushBenchRedis(env.REDIS_URL!);
  await ensureControlDatabase(env, options);

  const controlContext = await ControlContext.open(env);
  if (options.drop) {
    const controlDb = new Pool({ connectionString: env.CONTROL_DATABASE_URL, max: 4 });
    await dropEverything(controlContext, controlDb, env, options, log);
    await flushBenchRedis(env.REDIS_URL!);
    rmSync(STATE_DIR, { recursive: true, force: true });
    log(`  emptied Redis database ${options.redisDb}, removed ${STATE_DIR}`);
    return;
  }
  const controlDb = new Pool({
    connectionString: env.CONTROL_DATABASE_URL,
    application_name: 'helpdeskly-bench',
    max: 4,
  });
  const admin = new Client({ connectionString: env.DATABASE_URL, application_name: 'helpdeskly-bench' });
  const statsUrl = pgbouncerStatsUrl();
  const pgbouncer = statsUrl ? new Client({ connectionString: statsUrl }) : undefined;
  const pgbouncerAdmin = env.PGBOUNCER_ADMIN_URL
    ? new Client({ connectionString: env.PGBOUNCER_ADMIN_URL })
    : undefined;
  await Promise.all([admin.connect(), pgbouncer?.connect(), pgbouncerAdmin?.connect()]);
  let processes: Awaited<ReturnType<typeof startAll>> | undefined;
  const results: ScenarioResult[] = [];
  const failures: Array<{ id: string; error: string }> = [];
  try {
    if (options.fresh) await dropBenchData(controlContext, controlDb, options);
    else if (await sealedWithAnotherKey(controlContext, controlDb, options)) {
      log(
        '  the bench tenants were sealed with another DB_ENCRYPTION_KEY (.dev/bench/secrets.env changed): recreating them',
      );
      await dropBenchData(controlContext, controlDb, options);
    }
    const data = await prepareBenchData(controlContext, controlDb, env, options, secrets.BENCH_STORM_PASSWORD, log);

    const baselineConfig: BaselineConfig = {
      host: '127.0.0.1',
      port: options.port + 2,
      jwt: { secrets: [config.auth.jwtSecret!], issuer: config.auth.jwtIssuer, audience: config.auth.jwtAudience },
      poolSize: config.tenancy.clientPoolSize,
      tenants: Object.fromEntries(
        [data.main, ...data.many].map((t) => [t.id, { url: t.url, senderName: t.senderName }]),
      ),
    };
    writeFileSync(BASELINE_CONFIG, JSON.stringify(baselineConfig), { mode: 0o600 });

    log(
      `Starting control-api :${options.port}, app-api :${options.port + 1} (${options.appRoot}), baseline :${options.port + 2}; logs in .dev/bench/logs/`,
    );
    processes = await startAll(options, env);
    const ctx: BenchContext = {
      options,
      env,
      data,
      ...processes,
      admin,
      controlDb,
      pgbouncer,
      pgbouncerAdmin,
      controlContext,
      runId,
      log,
      checks: new Map(),
    };
    log('Same answers (one request of each scenario to app-api and to the baseline):');
    await checkSameAnswers(ctx);

    const digest = new LogDigest({
      'app-api': processes.app.logFile,
      'control-api': processes.control.logFile,
      baseline: processes.baseline.logFile,
    });
    // (e) last: serving many tenants leaves backends open after it (TENANT_CLIENT_IDLE_SECONDS,
    // server_idle_timeout), which would spill into any scenario after it.
    for (const id of [...options.scenarios.filter((s) => s !== 'e'), ...options.scenarios.filter((s) => s === 'e')]) {
      log(`\nScenario (${id})`);
      try {
        digest.mark();
        const measured = await SCENARIOS[id](ctx);
        const result = { ...measured, notes: [...measured.notes, ...digest.since()] };
        results.push(result);
        log(`\n${scenarioMarkdown(result)}`);
      } catch (error) {
        failures.push({ id, error: (error as Error).stack ?? String(error) });
        log(`  scenario (${id}) failed: ${(error as Error).stack ?? String(error)}`);
      }
    }
  } finally {
    if (processes) await Promise.all(Object.values(processes).map((p) => stopProcess(p)));
  }

  const profileFile = options.profile && processes ? profileOf(PROFILE_DIR, processes.app.pid) : undefined;
  const report: BenchReport = {
    machine: await describeMachine(admin, pgbouncer, env.REDIS_URL!, options.appRoot, REPO_ROOT),
    command: `pnpm run bench -- ${argv.filter((a) => a !== '--').join(' ')}`.trim(),
    options,
    setup: {
      'main tenant tickets': options.tickets,
      'tenants of (e)': options.tenants,
      'tickets per tenant of (e)': options.tenantTickets,
      TENANT_CLIENT_POOL_SIZE: config.tenancy.clientPoolSize,
      TENANT_CLIENT_MAX: config.tenancy.clientMax,
    },
    scenarios: [...results].sort((a, b) => SCENARIO_IDS.indexOf(a.id) - SCENARIO_IDS.indexOf(b.id)),
    ...(profileFile
      ? { profile: { file: profileFile.slice(REPO_ROOT.length + 1), top: hotFunctions(profileFile) } }
      : {}),
    failures,
  };
  writeReport(options.out, report);
  await Promise.all([controlDb.end(), admin.end(), pgbouncer?.end(), pgbouncerAdmin?.end(), controlContext.close()]);

  log(`\n${summaryMarkdown(report.scenarios)}`);
  if (failures.length) log(`\nFailed scenarios: ${failures.map((f) => f.id).join(', ')}`);
  log(`\nWrote ${options.out}.md and ${options.out}.json in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      if (error.message) console.error(error.message);
      console.error(USAGE);
      process.exit(2);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
