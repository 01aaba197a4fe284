import { expect } from 'expect';
import type { FuzzReport } from './openapi-fuzz';
import type { LogCapture } from './test-app';

/** What the app logged as an error for one request: the first thing to read when a fuzz case fails. */
export function loggedErrorOf(logs: LogCapture, requestId?: string): string {
  const entry = logs
    .entries()
    .find((e) => e.requestId === requestId && (e.err || e.level === 'error' || Number(e.level) >= 50));
  return entry ? JSON.stringify(entry.err ?? entry).slice(0, 1500) : 'nothing';
}

/**
 * Prints the fuzz's figures, then asserts its verdict: no failure (each listed with the seed that
 * replays it and what the app logged), and every operation run `runs` times at least.
 */
export function expectFuzzPassed(
  api: string,
  report: FuzzReport,
  { seed, runs }: { seed: number; runs: number },
  logs: LogCapture,
): void {
  console.log(
    `${api} fuzz: ${report.operations} operations, ${report.cases} cases (seed ${seed}, ${runs} runs each); statuses ${JSON.stringify(report.statuses)}`,
  );
  expect(
    report.failures.map(
      (f) =>
        `${f.operation}: ${f.problem}\n    ${f.request}\n    (FUZZ_SEED=${seed} FUZZ_RUNS=${runs}; operation seed ${f.seed})\n    logged: ${loggedErrorOf(logs, f.requestId)}`,
    ),
  ).toEqual([]);
  expect(report.cases).toBeGreaterThanOrEqual(report.operations * runs);
}
