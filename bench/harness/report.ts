// The results: one Markdown table per scenario (also printed), the machine, and the same in JSON.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { Redis } from 'ioredis';
import type { Client } from 'pg';
import type { BenchOptions } from './options';
import type { HotFunction } from './profile';
import type { ScenarioResult } from './scenarios';

export interface Machine {
  readonly date: string;
  readonly nproc: number;
  readonly cpuModel: string;
  readonly totalMemoryGiB: number;
  readonly postgres: { readonly version: string; readonly maxConnections: number };
  readonly pgbouncer: string;
  readonly redis: string;
  readonly node: string;
  readonly autocannon: string;
  readonly commit: string;
  readonly appRoot: string;
  readonly appCommit: string;
}

export interface BenchReport {
  readonly machine: Machine;
  readonly command: string;
  readonly options: BenchOptions;
  readonly setup: Record<string, unknown>;
  readonly scenarios: readonly ScenarioResult[];
  readonly profile?: { readonly file: string; readonly top: readonly HotFunction[] };
  readonly failures: readonly { readonly id: string; readonly error: string }[];
}

function gitCommit(dir: string): string {
  try {
    const sha = execFileSync('git', ['-C', dir, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !==
      '';
    return dirty ? `${sha} + uncommitted changes` : sha;
  } catch {
    return 'unknown';
  }
}

export async function describeMachine(
  admin: Client,
  pgbouncer: Client | undefined,
  redisUrl: string,
  appRoot: string,
  repoRoot: string,
): Promise<Machine> {
  const {
    rows: [pg],
  } = await admin.query<{ version: string; max: string }>(
    `SELECT current_setting('server_version') AS version, current_setting('max_connections') AS max`,
  );
  const pgbouncerVersion = pgbouncer
    ? await pgbouncer.query<{ version: string }>('SHOW VERSION').then(
        (r) => r.rows[0]?.version ?? 'unknown',
        () => 'unknown',
      )
    : 'n/a (no admin console)';
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let redisVersion = 'unknown';
  try {
    await redis.connect();
    redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } catch {
    // reported as unknown
  } finally {
    redis.disconnect();
  }
  return {
    date: new Date().toISOString(),
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    postgres: { version: pg!.version, maxConnections: Number(pg!.max) },
    pgbouncer: pgbouncerVersion,
    redis: redisVersion,
    node: process.version,
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package.json outside the TypeScript project
    autocannon: (require('autocannon/package.json') as { version: string }).version,
    commit: gitCommit(repoRoot),
    appRoot,
    appCommit: gitCommit(appRoot),
  };
}

const num = (value: number | undefined, digits = 1) =>
  value === undefined || !Number.isFinite(value) ? '' : value.toFixed(digits);
const cell = (text: string) => text.replaceAll('|', '\\|');

function table(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

function scenarioRows(s: ScenarioResult): string {
  const hasTotal = s.rows.some((r) => r.total !== undefined);
  const unit = s.id === 'f' ? 'tenants/s' : s.id === 'g' ? 'req/s (logins/s for the storm)' : 'req/s';
  const headers = [
    '',
    unit,
    'p50 ms',
    'p95 ms',
    'p99 ms',
    ...(hasTotal ? ['total s'] : []),
    'errors',
    ...(s.id === 'f' ? [] : [s.id === 'g' ? 'rounds (p99 ms; storm: logins/s)' : 'rounds (req/s)']),
  ];
  return table(
    headers,
    s.rows.map((r) =>
      r.ratio
        ? [
            r.label,
            r.rps === undefined ? '' : `${num(r.rps, 2)}x`,
            r.p50 === undefined ? '' : `${num(r.p50, 2)}x`,
            '',
            r.p99 === undefined ? '' : `${num(r.p99, 2)}x`,
            ...(hasTotal ? [''] : []),
            '',
            ...(s.id === 'f' ? [] : ['']),
          ]
        : [
            r.label,
            num(r.rps, r.rps !== undefined && r.rps < 20 ? 2 : 0),
            num(r.p50),
            num(r.p95),
            num(r.p99),
            ...(hasTotal ? [r.total === undefined ? '' : num(r.total / 1000, 2)] : []),
            r.errors === undefined ? '' : String(r.errors),
            ...(s.id === 'f' ? [] : [(r.rounds ?? []).map((v) => num(v, v < 20 ? 1 : 0)).join(', ')]),
          ],
    ),
  );
}

const mark = (met: boolean | null) => (met === null ? 'n/a' : met ? 'met' : '**not met**');

export function scenarioMarkdown(s: ScenarioResult): string {
  const lines = [`## (${s.id}) ${s.title}`, '', s.request, '', scenarioRows(s), ''];
  if (s.sameAnswer !== null) {
    const check = s.sameAnswerCheck;
    const bytes = check
      ? `; bodies ${check.bytes.app} and ${check.bytes.baseline} bytes, ${check.bytes.identical ? 'byte-identical' : 'not byte-identical'}`
      : '';
    lines.push(
      `Same answer: **${s.sameAnswer}**${check?.ignored.length ? ` (ignoring ${check.ignored.join(', ')})` : ' (nothing ignored)'}${check?.difference ? `: ${check.difference}` : ''}${bytes}`,
      '',
    );
  }
  lines.push(
    `Errors: ${
      s.errors === 0
        ? '0'
        : `**${s.errors}** ${Object.entries(s.errorsByKind)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')}`
    }. Ratio: ${s.ratioMeaning}.`,
    '',
  );
  lines.push(...s.targets.map((t) => `- ${t.text}: ${t.value} (${mark(t.met)})`), '');
  if (s.samples) {
    const { peaks, rounds } = s.samples;
    const median = rounds[Math.floor((rounds.length - 1) / 2)] ?? [];
    lines.push(
      `Peaks over all ${rounds.length} many-tenant rounds: app-api RSS ${num(peaks.rssMb, 0)} MB, open tenant clients ${peaks.tenantClients ?? 'n/a'}, PgBouncer server connections ${peaks.pgbouncerServers ?? 'n/a'}, PostgreSQL client backends ${peaks.backends} (on tenant databases: ${peaks.tenantBackends}), budget ${s.samples.budget ?? 'n/a'}.`,
      '',
      `Every second of the middle many-tenant round:`,
      '',
      table(
        ['t s', 'RSS MB', 'tenant clients', 'PgBouncer server conns', 'client backends', 'on tenant DBs'],
        median.map((m) => [
          num(m.t),
          num(m.rssMb, 0),
          String(m.tenantClients ?? 'n/a'),
          String(m.pgbouncerServers ?? 'n/a'),
          String(m.backends),
          String(m.tenantBackends),
        ]),
      ),
      '',
    );
  }
  lines.push(...s.notes.map((n) => `${n}`), '');
  return lines.join('\n');
}

export function summaryMarkdown(scenarios: readonly ScenarioResult[]): string {
  return table(
    ['scenario', 'throughput', 'ratio', 'errors', 'same answer', 'targets met'],
    scenarios.map((s) => [
      `(${s.id}) ${s.title}`,
      `${num(s.rps, s.rps < 20 ? 2 : 0)} ${s.id === 'f' ? 'tenants/s' : s.id === 'g' ? 'logins/s' : 'req/s'}`,
      `${num(s.ratio, 2)}x`,
      String(s.errors),
      s.sameAnswer ?? '',
      `${s.targets.filter((t) => t.met === true).length}/${s.targets.filter((t) => t.met !== null).length}`,
    ]),
  );
}

export function reportMarkdown(report: BenchReport): string {
  const { machine: m, options: o } = report;
  const lines = [
    '# Benchmark: the hot paths and many tenants',
    '',
    `${m.date}, harness at commit ${m.commit}, system under test at ${m.appCommit}. Produced by \`${report.command}\` (bench/README.md says how to read it).`,
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['CPUs (nproc)', String(m.nproc)],
        ['CPU model', m.cpuModel],
        ['memory', `${m.totalMemoryGiB} GiB`],
        ['PostgreSQL', `${m.postgres.version}, max_connections ${m.postgres.maxConnections}`],
        ['PgBouncer', m.pgbouncer],
        ['Redis', m.redis],
        ['Node.js', m.node],
        ['autocannon', m.autocannon],
        ['system under test', `dist/ of ${m.appRoot} (checkout at ${m.appCommit})`],
      ],
    ),
    '',
    `${o.connections} connections, ${o.rounds} round(s) of ${o.durationS} s per target, app and baseline interleaved (order alternating by round); each figure is the median round. Setup: ${Object.entries(
      report.setup,
    )
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ')}.`,
    '',
    '## Summary',
    '',
    summaryMarkdown(report.scenarios),
    '',
    ...report.failures.map((f) => `**Scenario (${f.id}) failed:** ${f.error}\n`),
    ...report.scenarios.map(scenarioMarkdown),
  ];
  if (report.profile) {
    lines.push(
      '## Profile of app-api (top 15 functions by self time)',
      '',
      `From ${report.profile.file} (node --cpu-prof over the whole run, every scenario).`,
      '',
      table(
        ['function', 'location', 'self ms', 'self %'],
        report.profile.top.map((f) => [f.name, f.location, num(f.selfMs, 0), num(f.selfPercent)]),
      ),
      '',
    );
  }
  return lines.join('\n');
}

export function writeReport(out: string, report: BenchReport): void {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.md`, reportMarkdown(report));
  writeFileSync(
    `${out}.json`,
    `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
}
