import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '@helpdeskly/config';

/** `name` as a PostgreSQL identifier: double-quoted, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) throw new Error('identifier contains a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}

export interface PgBouncerAdminStats {
  readonly enabled: boolean;
  readonly reconnects: number;
  readonly reconnectFailures: number;
}

/**
 * A client of PgBouncer's admin console (PGBOUNCER_ADMIN_URL, an `admin_users` user): one lazily
 * opened connection, commands sent one at a time with the simple query protocol (the console
 * takes no parameters). `reconnect(db)` sends `RECONNECT db`: PgBouncer closes each server
 * connection of that database once it is released (gracefully, whatever app-api instance uses
 * it), so an evicted tenant's idle backends close at once instead of after server_idle_timeout.
 * Never throws: a failure is logged and counted, and the next command opens a new connection.
 * Without PGBOUNCER_ADMIN_URL it does nothing.
 */
@Injectable()
export class PgBouncerAdmin implements OnApplicationShutdown {
  private readonly logger = new Logger(PgBouncerAdmin.name);
  private readonly url?: string;
  private client?: Promise<Client>;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private counters = { reconnects: 0, reconnectFailures: 0 };

  /** Opens the console connection; tests replace it. */
  connect: (url: string) => Promise<Client> = async (url) => {
    const client = new Client({ connectionString: url, application_name: 'helpdeskly-app-admin', connectionTimeoutMillis: 5_000 });
    await client.connect();
    return client;
  };

  constructor(config: AppConfig) {
    this.url = config.database.pgbouncer.adminUrl;
    if (!this.url) {
      this.logger.log("PGBOUNCER_ADMIN_URL is not set: an evicted tenant client's PostgreSQL backends stay open for PgBouncer's server_idle_timeout");
    }
  }

  get enabled(): boolean {
    return Boolean(this.url);
  }

  stats(): PgBouncerAdminStats {
    return { enabled: this.enabled, ...this.counters };
  }

  /** `RECONNECT "databaseName"`; resolves once PgBouncer answered (or the attempt failed). */
  reconnect(databaseName: string): Promise<void> {
    if (!this.url || this.closed) return Promise.resolve();
    return this.serialized(async () => {
      try {
        const client = await this.open();
        await client.query(`RECONNECT ${quoteIdentifier(databaseName)}`);
        this.counters.reconnects++;
      } catch (error) {
        this.counters.reconnectFailures++;
        this.logger.warn({ err: error, databaseName }, 'PgBouncer RECONNECT failed; the backends close after server_idle_timeout');
        this.drop();
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    if (client) await client.then((c) => c.end()).catch(() => undefined);
  }

  private serialized(command: () => Promise<void>): Promise<void> {
    const run = this.queue.then(command, command);
    this.queue = run;
    return run;
  }

  private open(): Promise<Client> {
    if (!this.client) {
      const url = this.url as string;
      const opening = this.connect(url).then((client) => {
        // A broken connection is replaced by the next command.
        client.on('error', (error) => {
          this.logger.warn({ err: error }, 'PgBouncer admin console connection lost');
          if (this.client === opening) this.client = undefined;
        });
        client.on('end', () => {
          if (this.client === opening) this.client = undefined;
        });
        return client;
      });
      this.client = opening;
    }
    return this.client;
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    client?.then((c) => c.end()).catch(() => undefined);
  }
}
