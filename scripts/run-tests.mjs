#!/usr/bin/env node
// Runs one tier of the test suite with Node's own test runner (node:test). Jest cannot load
// NestJS 12, which ships as ES modules, on Node 20; Node itself can (require(esm)).
//
//   node scripts/run-tests.mjs unit|integration|e2e|load|faults|all [file-or-folder ...]
//
// Tiers (STYLE.md): unit specs next to the code (*.spec.ts, no I/O), integration specs against the
// machine's real PostgreSQL, PgBouncer and Redis (*.int-spec.ts), end-to-end specs over HTTP
// (*.e2e-spec.ts), load specs (*.load-spec.ts) that drive the stack hard and require zero errors
// (the bench smoke, the tenant backend budget), and fault specs (*.fault-spec.ts) that stop
// servers of their own under load; load and fault specs run one at a time so that no other
// file's load skews what they check. TypeScript is compiled on
// the fly by @swc-node/register.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const TIERS = {
  unit: { suffix: '.spec.ts', concurrency: 2 },
  integration: { suffix: '.int-spec.ts', concurrency: 2 },
  e2e: { suffix: '.e2e-spec.ts', concurrency: 2 },
  load: { suffix: '.load-spec.ts', concurrency: 1 },
  faults: { suffix: '.fault-spec.ts', concurrency: 1 },
};
const SKIP = new Set(['node_modules', 'dist', '.git', '.dev', 'generated']);

function find(dir, suffix, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, suffix, out);
    else if (name.endsWith(suffix) && (suffix !== '.spec.ts' || !/\.(int|e2e)-spec\.ts$/.test(name)))
      out.push(relative(root, path));
  }
  return out;
}

const [tier = 'all', ...paths] = process.argv.slice(2);
const tiers = tier === 'all' ? Object.keys(TIERS) : [tier];
if (!tiers.every((t) => t in TIERS)) {
  console.error(`usage: run-tests.mjs unit|integration|e2e|load|faults|all [paths...]`);
  process.exit(2);
}

let failed = false;
for (const name of tiers) {
  const { suffix, concurrency } = TIERS[name];
  const roots = paths.length > 0 ? paths : ['apps', 'libs', 'scripts', 'bench'];
  const files = roots
    .flatMap((p) =>
      statSync(join(root, p)).isDirectory() ? find(join(root, p), suffix) : p.endsWith(suffix) ? [p] : [],
    )
    .sort();
  if (files.length === 0) continue;
  console.log(`\n=== ${name}: ${files.length} file(s) ===`);
  const result = spawnSync(
    process.execPath,
    [
      '--require',
      '@swc-node/register',
      '--require',
      './libs/testing/src/load-test-env.ts',
      '--test',
      `--test-concurrency=${concurrency}`,
      // A guard against hangs, per file: the longest (the IMAP fetching spec) takes about 90 s alone.
      '--test-timeout=180000',
      '--test-reporter=spec',
      ...files,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') } },
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
