// The benchmark command, in its smoke size, against the test environment: every scenario runs,
// answers without errors, has a ratio to its baseline, and the read scenarios answer what the
// baseline answers. No timing is asserted. The bench keeps its tenants in a control database of
// its own (reused by the next run), deletes what its scenarios create, and writes its results to
// .dev/bench/smoke-test.* (the committed bench/results/latest.* stay as they are).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { BenchReport } from './harness/report';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, '.dev/bench/smoke-test');
const READ_SCENARIOS = ['a', 'b', 'd', 'e'];

function runBench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/run.ts', ...args], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('bench/run.ts --smoke', () => {
  it('measures every scenario against its baseline, with zero errors and the same answers', async () => {
    rmSync(`${OUT}.json`, { force: true });
    const { code, output } = await runBench([
      '--smoke',
      // Names with "test", as every database of the test suite has.
      '--control-database',
      'helpdeskly_bench_control_test',
      '--template-database',
      'helpdeskly_tenant_template_bench_test',
      '--redis-db',
      '4',
      '--port',
      '6530',
      '--out',
      OUT,
    ]);
    const tail = output.split('\n').slice(-60).join('\n');
    expect({ code, tail: code === 0 ? '' : tail }).toEqual({ code: 0, tail: '' });
    expect(existsSync(`${OUT}.json`)).toBe(true);

    const report = JSON.parse(readFileSync(`${OUT}.json`, 'utf8')) as BenchReport;
    expect(report.failures).toEqual([]);
    expect(report.scenarios.map((s) => s.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    // One assertion over every scenario, so that a failure shows them all.
    const seen = report.scenarios.map((s) => ({
      id: s.id,
      rpsPositive: s.rps > 0,
      errors: s.errors,
      errorsByKind: s.errorsByKind,
      ratioIsNumber: typeof s.ratio === 'number' && Number.isFinite(s.ratio),
      ...(READ_SCENARIOS.includes(s.id) ? { sameAnswer: s.sameAnswer, difference: s.sameAnswerCheck?.difference } : {}),
    }));
    const wanted = report.scenarios.map((s) => ({
      id: s.id,
      rpsPositive: true,
      errors: 0,
      errorsByKind: {},
      ratioIsNumber: true,
      ...(READ_SCENARIOS.includes(s.id) ? { sameAnswer: 'yes', difference: undefined } : {}),
    }));
    expect(seen).toEqual(wanted);
    expect(existsSync(`${OUT}.md`)).toBe(true);
  });
});
