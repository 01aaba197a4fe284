import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type ApiProcess, waitFor } from '@helpdeskly/testing';

const ROOT = join(__dirname, '../../../../..');

/** The real worker.main.ts in its own process, with the test environment plus `env`; waits for GET /health. */
export async function startWorkerProcess(port: number, env: Record<string, string> = {}): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--require', '@swc-node/register', join(ROOT, 'apps/control-api/src/worker/worker.main.ts')], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', HOST: '127.0.0.1', WORKER_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const baseUrl = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(`worker on port ${port}`, async () => {
    if (gone) throw new Error(`the worker exited before answering:\n${output}`);
    return (await fetch(`${baseUrl}/health`)).ok;
  }, 60_000, 200).catch((error) => {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- worker output ---\n${output}`);
  });
  return { child, baseUrl, output: () => output, exited };
}
