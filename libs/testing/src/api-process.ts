import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '../../..');

export interface ApiProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

const ENTRIES = {
  'control-api': { main: 'apps/control-api/src/main.ts', portVariable: 'CONTROL_PORT' },
  'app-api': { main: 'apps/app-api/src/main.ts', portVariable: 'APP_PORT' },
  worker: { main: 'apps/worker/src/main.ts', portVariable: 'WORKER_PORT' },
} as const;

/**
 * Starts an API's (or the worker's) real main.ts in its own process (TypeScript through
 * @swc-node/register), with the test environment plus `env`, and waits until it answers GET /health.
 */
export async function startApiProcess(
  app: keyof typeof ENTRIES,
  port: number,
  env: Record<string, string> = {},
): Promise<ApiProcess> {
  const { main, portVariable } = ENTRIES[app];
  const child = spawn(process.execPath, ['--require', '@swc-node/register', join(ROOT, main)], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      HOST: '127.0.0.1',
      [portVariable]: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  // A process that exits during start-up (a refused configuration) fails at once, not at the timeout.
  await waitFor(`${app} on port ${port}`, async () => gone || (await fetch(`${baseUrl}/health`)).ok, 60_000, 200)
    .then(() => {
      if (gone) throw new Error(`${app} exited with ${child.exitCode ?? child.signalCode} before answering`);
    })
    .catch((error) => {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n--- ${app} output ---\n${output}`);
    });
  return { child, baseUrl, output: () => output, exited };
}
