import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';
import { asPostgres, ownedByPostgres } from './postgres-cluster';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '../../..');

/** What deploy/pgbouncer/docker-entrypoint.sh reads, less the address and port it is given here. */
export interface ProductionPgBouncerEnv {
  readonly PGBOUNCER_AUTH_PASSWORD: string;
  readonly PGBOUNCER_STATS_PASSWORD: string;
  readonly PGBOUNCER_ADMIN_PASSWORD: string;
  readonly TENANT_GATEWAY_PASSWORD: string;
  readonly TENANT_BACKEND_BUDGET: string;
}

/**
 * The machine's PgBouncer binary with the production configuration, rendered and run by
 * deploy/pgbouncer/docker-entrypoint.sh exactly as docker-compose.prod.yml does, in front of the
 * PostgreSQL on `pgPort`, on a port of its own. stop() ends it and removes its files.
 */
export class ProductionPgBouncer {
  private output = '';

  private child!: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly pgPort: number,
    private readonly confDir: string,
    private readonly env: ProductionPgBouncerEnv,
  ) {}

  /** Starts it; resolves once its admin console answers (or rejects with what it printed). */
  static async start(pgPort: number, env: ProductionPgBouncerEnv): Promise<ProductionPgBouncer> {
    const bouncer = new ProductionPgBouncer(
      await freePort(),
      pgPort,
      ownedByPostgres(mkdtempSync(join(tmpdir(), 'helpdeskly-pgbouncer-'))),
      env,
    );
    await bouncer.run();
    return bouncer;
  }

  /**
   * Stops it at once (an outage: every client connection drops), keeping its port for
   * {@link startServer}. SIGTERM is PgBouncer's immediate shutdown, and runuser passes it on.
   */
  async stopServer(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  /** Starts it again after {@link stopServer}, on the same port. */
  async startServer(): Promise<void> {
    await this.run();
  }

  private async run(): Promise<void> {
    const vars = {
      PATH: process.env.PATH!,
      PGBOUNCER_TEMPLATES: join(ROOT, 'deploy/pgbouncer'),
      PGBOUNCER_CONF_DIR: join(this.confDir, 'conf'),
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: String(this.pgPort),
      PGBOUNCER_PORT: String(this.port),
      ...this.env,
    };
    const [command, args] = asPostgres('env', [
      ...Object.entries(vars).map(([key, value]) => `${key}=${value}`),
      'sh',
      join(ROOT, 'deploy/pgbouncer/docker-entrypoint.sh'),
    ]);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await waitFor(
      'the production PgBouncer',
      async () => {
        if (child.exitCode !== null) throw new Error(`PgBouncer exited (${child.exitCode}):\n${this.output}`);
        const client = new Client({ connectionString: this.adminUrl(), connectionTimeoutMillis: 1_000 });
        try {
          await client.connect();
          await client.query('SHOW VERSION');
          return true;
        } catch {
          return false;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      10_000,
      100,
    ).catch((error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${error.message}\n${this.output}`);
    });
  }

  /** The admin console as app-api's PGBOUNCER_ADMIN_URL. */
  adminUrl(): string {
    return `postgresql://helpdeskly_admin:${encodeURIComponent(this.env.PGBOUNCER_ADMIN_PASSWORD)}@127.0.0.1:${this.port}/pgbouncer`;
  }

  log(): string {
    return this.output;
  }

  /** A file the entrypoint rendered (pgbouncer.ini, hba.conf, userlist.txt). */
  renderedFile(name: string): string {
    return readFileSync(join(this.confDir, 'conf', name), 'utf8');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await new Promise((resolve) => this.child.once('exit', resolve));
    }
    rmSync(this.confDir, { recursive: true, force: true });
  }
}
