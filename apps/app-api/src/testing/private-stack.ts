import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'expect';
import { applyMigrations } from '@helpdeskly/migrations';
import { PostgresCluster, ProductionPgBouncer, type ProductionPgBouncerEnv, RedisServer } from '@helpdeskly/testing';
import { AppFixture } from './app-fixture';

const INIT_DB_PROD = join(__dirname, '../../../../deploy/postgres/init-db-prod.sql');
const PASSWORD = {
  app: 'app-password-0123456789',
  auth: 'auth-password-0123456789',
  stats: 'stats-password-0123456789',
  admin: 'admin-password-0123456789',
  gateway: 'gateway-password-0123456789',
};

/** deploy/pgbouncer's variables for a PgBouncer that lets tenant traffic open `budget` backends. */
const bouncerEnv = (budget: number): ProductionPgBouncerEnv => ({
  PGBOUNCER_AUTH_PASSWORD: PASSWORD.auth,
  PGBOUNCER_STATS_PASSWORD: PASSWORD.stats,
  PGBOUNCER_ADMIN_PASSWORD: PASSWORD.admin,
  TENANT_GATEWAY_PASSWORD: PASSWORD.gateway,
  TENANT_BACKEND_BUDGET: String(budget),
});

const pgBouncerVariables = (bouncer: ProductionPgBouncer) => ({
  PGBOUNCER_HOST: '127.0.0.1',
  PGBOUNCER_PORT: String(bouncer.port),
  PGBOUNCER_ADMIN_URL: bouncer.adminUrl(),
});

export interface PrivateStackOptions {
  /** PostgreSQL's max_connections (default 100). */
  readonly maxConnections?: number;
  /** TENANT_BACKEND_RESERVE; the budget is max_connections - 3 - reserve (default 30). */
  readonly reserve?: number;
  /** More variables of the APIs (TENANT_CLIENT_MAX, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Durable as production runs them, for tests that crash the servers: PostgreSQL with fsync and
   * synchronous commit on (a committed ticket survives a crash), Redis with an append-only file
   * (queued jobs survive its restart). Off, PostgreSQL runs fsync-free and Redis in memory.
   */
  readonly durable?: boolean;
}

/**
 * PostgreSQL, PgBouncer and Redis of a test's own, on ports of their own, set up as production
 * sets them up (init-db-prod.sql, deploy/pgbouncer's entrypoint), with app-api and control-api
 * (AppFixture) pointed at them: a test may stop and restart any of them without touching the
 * machine's shared services.
 */
export class PrivateStack {
  private constructor(
    readonly cluster: PostgresCluster,
    readonly bouncer: ProductionPgBouncer,
    readonly redis: RedisServer,
    readonly fx: AppFixture,
    readonly budget: number,
    /** The variables the APIs were started with, for a worker of the same stack. */
    readonly env: Readonly<Record<string, string>>,
  ) {}

  static async start(options: PrivateStackOptions = {}): Promise<PrivateStack> {
    const maxConnections = options.maxConnections ?? 100;
    const reserve = options.reserve ?? 30;
    const budget = maxConnections - 3 - reserve;
    const cluster = await PostgresCluster.start({
      settings: { max_connections: String(maxConnections) },
      unsafeFast: !options.durable,
    });
    let bouncer: ProductionPgBouncer | undefined;
    let redis: RedisServer | undefined;
    try {
      const init = spawnSync(
        'psql',
        ['-X', '-q', '-w', '-v', 'ON_ERROR_STOP=1', '-d', cluster.url(), '-f', INIT_DB_PROD],
        {
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH,
            HELPDESKLY_DB_PASSWORD: PASSWORD.app,
            PGBOUNCER_AUTH_PASSWORD: PASSWORD.auth,
            TENANT_GATEWAY_PASSWORD: PASSWORD.gateway,
            TENANT_BACKEND_BUDGET: String(budget),
          },
        },
      );
      expect(`${init.stdout}${init.stderr}`).toBe('');
      bouncer = await ProductionPgBouncer.start(cluster.port, bouncerEnv(budget));
      redis = await RedisServer.start({ persistent: options.durable });
      await applyMigrations(cluster.url('helpdeskly_control', 'helpdeskly', PASSWORD.app), 'control');
      const env: Record<string, string> = {
        CONTROL_DATABASE_URL: cluster.url('helpdeskly_control', 'helpdeskly', PASSWORD.app),
        DATABASE_URL: cluster.url('postgres', 'helpdeskly', PASSWORD.app),
        ...pgBouncerVariables(bouncer),
        TENANT_GATEWAY_PASSWORD: PASSWORD.gateway,
        TENANT_BACKEND_RESERVE: String(reserve),
        TENANT_TEMPLATE_DATABASE: 'helpdeskly_tenant_template',
        REDIS_URL: `${redis.url}/1`,
        REDIS_CACHE_URL: `${redis.url}/2`,
        ...options.env,
      };
      const fx = await AppFixture.start(env);
      return new PrivateStack(cluster, bouncer, redis, fx, budget, env);
    } catch (error) {
      // The spec gets no stack to close: stop what was started here.
      await bouncer?.stop();
      await redis?.stop();
      cluster.stop();
      throw error;
    }
  }

  /** Another PgBouncer on this cluster, letting tenant traffic open `budget` backends; its caller stops it. */
  startPgBouncer(budget: number): Promise<ProductionPgBouncer> {
    return ProductionPgBouncer.start(this.cluster.port, bouncerEnv(budget));
  }

  /** The APIs' variables with `bouncer` in place of the stack's PgBouncer. */
  envWith(bouncer: ProductionPgBouncer): Record<string, string> {
    return { ...this.env, ...pgBouncerVariables(bouncer) };
  }

  /** The superuser's URL of a database of the cluster (direct, not through PgBouncer). */
  url(database = 'postgres'): string {
    return this.cluster.url(database);
  }

  /** Stops the apps and the servers; the whole cluster goes, so tenants are not deleted one by one. */
  async close(): Promise<void> {
    await this.fx.running.close().catch(() => undefined);
    await this.fx.control.running.close().catch(() => undefined);
    await this.bouncer.stop();
    await this.redis.stop();
    this.cluster.stop();
  }
}
