import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchOptions, REPO_ROOT } from './options';

export const STATE_DIR = join(REPO_ROOT, '.dev/bench');
export const LOG_DIR = join(STATE_DIR, 'logs');
export const PROFILE_DIR = join(REPO_ROOT, 'bench/results/profiles');
const SECRETS_FILE = join(STATE_DIR, 'secrets.env');
const PGBOUNCER_ADMIN_RW_URL = join(REPO_ROOT, '.dev/pgbouncer/admin-rw.url');
const PGBOUNCER_ADMIN_URL = join(REPO_ROOT, '.dev/pgbouncer/admin.url');

export const QUEUE_PREFIX = 'helpdeskly-bench';

/** Generated once and kept, so that tenants sealed by an earlier run still open. */
export interface BenchSecrets {
  readonly JWT_SECRET: string;
  readonly DB_ENCRYPTION_KEY: string;
  /** Password of the login storm's user (scenario g). */
  readonly BENCH_STORM_PASSWORD: string;
}

const random = () => randomBytes(36).toString('base64url');

export function benchSecrets(): BenchSecrets {
  mkdirSync(STATE_DIR, { recursive: true });
  const values: Record<string, string> = {};
  if (existsSync(SECRETS_FILE)) {
    for (const line of readFileSync(SECRETS_FILE, 'utf8').split('\n')) {
      const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (match) values[match[1]!] = match[2]!;
    }
  }
  const secrets: BenchSecrets = {
    JWT_SECRET: values.JWT_SECRET || random(),
    DB_ENCRYPTION_KEY: values.DB_ENCRYPTION_KEY || random(),
    BENCH_STORM_PASSWORD: values.BENCH_STORM_PASSWORD || `Storm-${random()}`,
  };
  const text = `# Secrets of the bench's own APIs (bench/run.ts); delete with the bench tenants (--fresh).\n${Object.entries(
    secrets,
  )
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
  if (!existsSync(SECRETS_FILE) || readFileSync(SECRETS_FILE, 'utf8') !== text)
    writeFileSync(SECRETS_FILE, text, { mode: 0o600 });
  chmodSync(SECRETS_FILE, 0o600);
  return secrets;
}

/** A database URL of the server of `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function redisUrlWithDb(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** The read-only PgBouncer admin console (SHOW POOLS), when scripts/infra.sh made one. */
export function pgbouncerStatsUrl(): string | undefined {
  return existsSync(PGBOUNCER_ADMIN_URL) ? readFileSync(PGBOUNCER_ADMIN_URL, 'utf8').trim() : undefined;
}

/**
 * The environment of the APIs under test and of the bench's in-process control-api context: the
 * variables of .env (or of the environment) with production's settings and the bench's own
 * databases, Redis database, ports and secrets.
 */
export function benchEnvironment(options: BenchOptions, secrets: BenchSecrets): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  for (const name of ['DATABASE_URL', 'CONTROL_DATABASE_URL', 'REDIS_URL']) {
    if (!base[name]) throw new Error(`${name} is not set (the bench reads .env, which scripts/dev.sh creates)`);
  }
  if (options.redisDb === Number(new URL(base.REDIS_URL!).pathname.slice(1) || 0)) {
    throw new Error(
      `--redis-db ${options.redisDb} is the database of REDIS_URL; the bench empties its own database, so pick another`,
    );
  }
  const redisUrl = redisUrlWithDb(base.REDIS_URL!, options.redisDb);
  const adminRw =
    base.PGBOUNCER_ADMIN_URL ||
    (existsSync(PGBOUNCER_ADMIN_RW_URL) ? readFileSync(PGBOUNCER_ADMIN_RW_URL, 'utf8').trim() : '');
  return {
    ...base,
    NODE_ENV: 'production',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    CONTROL_PORT: String(options.port),
    APP_PORT: String(options.port + 1),
    CONTROL_DATABASE_URL: withDatabase(base.CONTROL_DATABASE_URL!, options.controlDatabase),
    TENANT_TEMPLATE_DATABASE: options.templateDatabase,
    JWT_SECRET: secrets.JWT_SECRET,
    JWT_PREVIOUS_SECRET: '',
    // Tokens are minted once per run, before rounds that may last many minutes.
    JWT_EXPIRES_IN: '2h',
    DB_ENCRYPTION_KEY: secrets.DB_ENCRYPTION_KEY,
    BCRYPT_ROUNDS: String(options.stormCost),
    RATE_LIMIT_ENABLED: 'true',
    // The login storm comes from one address and one account; the limiter still runs.
    RATE_LIMIT_AUTH_PER_IP: '1000000',
    RATE_LIMIT_AUTH_PER_ACCOUNT: '1000000',
    ENABLE_SWAGGER: 'false',
    ENABLE_METRICS: 'true',
    RUN_WORKERS: 'false',
    // No inbound SMTP server: the bench measures HTTP, and .env's port may be taken by scripts/dev.sh.
    INBOUND_SMTP_PORT: '',
    REDIS_URL: redisUrl,
    REDIS_CACHE_URL: redisUrl,
    REDIS_CLUSTER_NODES: '',
    QUEUE_REDIS_CLUSTER_NODES: '',
    QUEUE_PREFIX,
    PGBOUNCER_ADMIN_URL: adminRw,
    VAULT_ADDR: '',
    VAULT_TOKEN: '',
    VAULT_ROLE_ID: '',
    VAULT_SECRET_ID: '',
  };
}
