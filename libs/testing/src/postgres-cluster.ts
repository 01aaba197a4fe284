import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

/** The newest PostgreSQL server binaries of Debian's packages ('' when none are installed). */
export const PG_BIN = existsSync('/usr/lib/postgresql')
  ? join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().at(-1)!, 'bin')
  : '';

/** PostgreSQL and PgBouncer refuse to run as root: `command` as the postgres user when root. */
export function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/** Gives a directory made by root to the postgres user, who runs the servers in it. */
export function ownedByPostgres(dir: string): string {
  if (process.getuid?.() === 0)
    chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), 0);
  return dir;
}

export interface PostgresClusterOptions {
  /** `-c name=value` settings, e.g. `{ max_connections: '50' }`. */
  readonly settings?: Readonly<Record<string, string>>;
  /** A postgresql.conf to start with (`-c config_file=`); settings still win over it. */
  readonly configFile?: string;
  /** Faster for throwaway data: fsync off (default true). */
  readonly unsafeFast?: boolean;
}

/**
 * A throwaway PostgreSQL cluster of this machine's binaries: initdb in a temp directory, trust
 * authentication, its own port on 127.0.0.1, removed by stop(). For tests that need a server of
 * their own (other settings than the machine's, or one they may stop).
 */
export class PostgresCluster {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly flags: string,
  ) {}

  static async start(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
    if (!PG_BIN) throw new Error('PostgreSQL server binaries are missing (scripts/infra.sh installs them)');
    const dir = ownedByPostgres(mkdtempSync(join(tmpdir(), 'helpdeskly-pg-')));
    const port = await freePort();
    const initdb = spawnSync(
      ...asPostgres(join(PG_BIN, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync']),
      { encoding: 'utf8' },
    );
    if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr}`);
    const settings = {
      listen_addresses: '127.0.0.1',
      ...(options.unsafeFast === false ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
      ...options.settings,
    };
    const flags = [
      ...(options.configFile ? [`-c config_file=${options.configFile}`] : []),
      `-p ${port}`,
      `-k ${dir}`,
      ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
    ].join(' ');
    const cluster = new PostgresCluster(port, dir, flags);
    const start = cluster.pgCtlStart();
    if (start.status !== 0) {
      const log = cluster.log();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`pg_ctl start failed (${start.status}): ${start.stderr}\n${log}`);
    }
    return cluster;
  }

  /** The superuser's URL of `database` (no password: trust). */
  url(database = 'postgres', user = 'postgres', password?: string): string {
    const url = new URL(`postgresql://127.0.0.1:${this.port}/${encodeURIComponent(database)}`);
    url.username = encodeURIComponent(user);
    if (password !== undefined) url.password = encodeURIComponent(password);
    return url.toString();
  }

  log(): string {
    const file = join(this.dir, 'postgres.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** Stops the server at once (an outage), keeping its files for {@link startServer}. */
  stopServer(): void {
    const stop = spawnSync(
      ...asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']),
      { encoding: 'utf8' },
    );
    if (stop.status !== 0) throw new Error(`pg_ctl stop failed (${stop.status}): ${stop.stderr}`);
  }

  /** Starts a server stopped by {@link stopServer} again, on the same port and data. */
  startServer(): void {
    const start = this.pgCtlStart();
    if (start.status !== 0) throw new Error(`pg_ctl start failed (${start.status}): ${start.stderr}\n${this.log()}`);
  }

  private pgCtlStart() {
    return spawnSync(
      ...asPostgres(join(PG_BIN, 'pg_ctl'), [
        '-D',
        join(this.dir, 'data'),
        '-w',
        '-l',
        join(this.dir, 'postgres.log'),
        '-o',
        this.flags,
        'start',
      ]),
      { encoding: 'utf8' },
    );
  }

  /** Stops the server at once and removes its files. */
  stop(): void {
    spawnSync(...asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', join(this.dir, 'data'), '-m', 'immediate', 'stop']));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
