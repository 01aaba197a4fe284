// The processes under test, each started as production runs it: `node <dist main.js>` with
// NODE_ENV=production and JSON logs to a file of .dev/bench/logs/, and the baseline server.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_DIR } from './environment';
import { sleep } from './util';

export interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly baseUrl: string;
  readonly logFile: string;
  readonly exited: Promise<number | string>;
}

export interface ProcessSpec {
  readonly name: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  readonly port: number;
  /** Answers 200 once the process can serve. */
  readonly readyPath: string;
}

const READY_TIMEOUT_MS = 90_000;

const tail = (file: string, lines = 30) =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';

export async function startProcess(spec: ProcessSpec): Promise<RunningProcess> {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${spec.name}.log`);
  const fd = openSync(logFile, 'w');
  // node itself, not a shell: the pid is the one whose RSS is sampled.
  const child = spawn(process.execPath, [...spec.args], { cwd: spec.cwd, env: spec.env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  let gone: number | string | undefined;
  void exited.then((how) => (gone = how));
  const baseUrl = `http://127.0.0.1:${spec.port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (gone !== undefined)
      throw new Error(`${spec.name} exited (${gone}) during start-up. Last lines of ${logFile}:\n${tail(logFile)}`);
    const status = await fetch(`${baseUrl}${spec.readyPath}`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${spec.name} did not answer ${spec.readyPath} with 200 within ${READY_TIMEOUT_MS / 1000} s (last: ${status}). Last lines of ${logFile}:\n${tail(logFile)}`,
      );
    }
    await sleep(250);
  }
  return { name: spec.name, child, pid: child.pid!, baseUrl, logFile, exited };
}

/** SIGTERM (the APIs drain and exit, writing a CPU profile if asked), then SIGKILL after a grace period. */
export async function stopProcess(proc: RunningProcess, graceMs = 20_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const done = await Promise.race([proc.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

/** Resident memory of a process in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}
