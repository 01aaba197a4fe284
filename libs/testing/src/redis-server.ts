import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

/**
 * A redis-server of the test's own on a free loopback port (Debian's redis-server, which every
 * machine running the suite has), for tests that stop, freeze or crash Redis. With `persistent`,
 * every write goes to an append-only file in a temporary directory, so a test can kill it
 * (SIGKILL, as a crash) and start it again on the same data.
 */
export class RedisServer {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly persistent: boolean,
  ) {}

  static async start(options: { persistent?: boolean } = {}): Promise<RedisServer> {
    const server = new RedisServer(
      await freePort(),
      mkdtempSync(join(tmpdir(), 'helpdeskly-redis-')),
      options.persistent ?? false,
    );
    await server.run();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Kills it without a chance to save anything, then starts it again on the same directory. */
  async crashAndRestart(): Promise<void> {
    await this.kill();
    await this.run();
  }

  /** Kills it (an outage), keeping its port for {@link startServer}. */
  async stopServer(): Promise<void> {
    await this.kill();
  }

  /** Starts it again after {@link stopServer}, on the same port. */
  async startServer(): Promise<void> {
    await this.run();
  }

  /** Freezes the process (SIGSTOP): connections stay open and nothing answers. */
  pause(): void {
    if (this.child?.pid) process.kill(this.child.pid, 'SIGSTOP');
  }

  resume(): void {
    if (this.child?.pid) process.kill(this.child.pid, 'SIGCONT');
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async run(): Promise<void> {
    const persistence = this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        ...persistence,
        '--dir',
        this.dir,
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    // A fresh client per probe: one ioredis client refuses connect() while it is still retrying.
    await waitFor(
      `redis-server on ${this.port}`,
      async () => {
        const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        client.on('error', () => undefined);
        try {
          await client.connect();
          return (await client.ping()) === 'PONG';
        } catch {
          return false;
        } finally {
          client.disconnect();
        }
      },
      20_000,
      50,
    );
  }

  private async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
