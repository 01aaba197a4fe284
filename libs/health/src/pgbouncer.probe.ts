import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '@helpdeskly/config';

/**
 * Reaches the control database through PgBouncer, the way app-api reaches tenant databases, so a
 * PgBouncer that is down or cannot reach PostgreSQL fails readiness. One small pool, reused.
 */
@Injectable()
export class PgBouncerProbe implements OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(config: AppConfig) {
    const url = new URL(config.database.controlUrl);
    url.hostname = config.database.pgbouncer.host;
    url.port = String(config.database.pgbouncer.port);
    this.pool = new Pool({
      connectionString: url.toString(),
      max: 1,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 2_000,
      application_name: 'helpdeskly-health',
    });
    this.pool.on('error', () => undefined); // an idle client lost with PgBouncer: the next check reports it
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
