import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

/** A node's cluster bus listens on its port + 10000, which must be a port too and be free. */
const BUS_OFFSET = 10_000;

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function nodePort(taken: readonly number[]): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + BUS_OFFSET <= 65_535 && !taken.includes(port) && (await isFree(port + BUS_OFFSET))) return port;
  }
}

/** `probe` on a fresh connection to the node on `port` (one ioredis client refuses connect() while retrying); false when it cannot connect. */
async function ask(port: number, probe: (client: Redis) => Promise<boolean>): Promise<boolean> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await probe(client);
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * A Redis Cluster of the test's own: three masters, no replicas, on free loopback ports (Debian's
 * redis-server and `redis-cli --cluster create`), their node files in a temporary directory.
 */
export class RedisCluster {
  private readonly children: ChildProcess[] = [];

  private constructor(
    readonly ports: readonly number[],
    readonly dir: string,
  ) {}

  static async start(size = 3): Promise<RedisCluster> {
    const ports: number[] = [];
    for (let i = 0; i < size; i++) ports.push(await nodePort(ports));
    const cluster = new RedisCluster(ports, mkdtempSync(join(tmpdir(), 'helpdeskly-redis-cluster-')));
    try {
      await cluster.run();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** REDIS_CLUSTER_NODES of this cluster. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async run(): Promise<void> {
    for (const port of this.ports) {
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(this.dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '5000',
      ];
      this.children.push(
        spawn('redis-server', [...args, '--dir', this.dir, '--appendonly', 'no', '--save', ''], { stdio: 'ignore' }),
      );
    }
    for (const port of this.ports)
      await waitFor(`redis-server on ${port}`, () => ask(port, async (c) => (await c.ping()) === 'PONG'), 20_000, 50);
    const addresses = this.ports.map((port) => `127.0.0.1:${port}`);
    await promisify(execFile)(
      'redis-cli',
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: 30_000 },
    );
    for (const port of this.ports)
      await waitFor(
        `cluster_state:ok on ${port}`,
        () => ask(port, async (c) => (await c.cluster('INFO')).includes('cluster_state:ok')),
        30_000,
        100,
      );
  }
}
