import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const STORAGE_DRIVERS = ['local', 's3'] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

const POSTGRES_URL = /^postgres(ql)?:\/\/.+/;

/** TENANT_GATEWAY_ROLE's default; scripts that read no full configuration (migrate) use it too. */
export const DEFAULT_TENANT_GATEWAY_ROLE = 'helpdeskly_gateway';
const REDIS_URL = /^rediss?:\/\/.+/;
const DURATION = /^\d+(ms|s|m|h|d)?$/;

const toBoolean = ({ value }: { value: unknown }) =>
  value === undefined || typeof value === 'boolean'
    ? value
    : ['true', '1', 'yes'].includes(String(value).toLowerCase())
      ? true
      : ['false', '0', 'no', ''].includes(String(value).toLowerCase())
        ? false
        : value;

/** The process environment as both APIs read it; one property per documented variable. */
export class Environment {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @IsString()
  HOST = '0.0.0.0';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  CONTROL_PORT = 6500;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  APP_PORT = 6501;

  @IsString()
  @Matches(/^https?:\/\/.+/, { message: 'FRONTEND_URL must be an http(s) URL' })
  FRONTEND_URL = 'http://localhost:3000';

  @IsString()
  @IsNotEmpty()
  @Matches(POSTGRES_URL, { message: 'CONTROL_DATABASE_URL must be a postgresql:// URL' })
  CONTROL_DATABASE_URL: string;

  @IsString()
  @IsNotEmpty()
  @Matches(POSTGRES_URL, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL: string;

  @IsString()
  @IsNotEmpty()
  PGBOUNCER_HOST = '127.0.0.1';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PGBOUNCER_PORT = 6432;

  /** PgBouncer admin console (admin_users): app-api sends RECONNECT after evicting a tenant client. */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  @Matches(POSTGRES_URL, { message: 'PGBOUNCER_ADMIN_URL must be a postgresql:// URL' })
  PGBOUNCER_ADMIN_URL?: string;

  /** Required unless VAULT_ADDR is set (then Vault's `jwt` secret, when present, wins). */
  @ValidateIf((env: Environment) => !env.VAULT_ADDR || env.JWT_SECRET !== undefined)
  @IsString()
  @IsNotEmpty()
  JWT_SECRET?: string;

  /** The secret being rotated out: tokens it signed keep verifying while it is set (kid). */
  @IsOptional()
  @IsString()
  JWT_PREVIOUS_SECRET?: string;

  @IsString()
  @Matches(DURATION, { message: 'JWT_EXPIRES_IN must be a duration such as 900s or 15m' })
  JWT_EXPIRES_IN = '15m';

  @IsString()
  @IsNotEmpty()
  JWT_ISSUER = 'helpdeskly';

  @IsString()
  @IsNotEmpty()
  JWT_AUDIENCE = 'helpdeskly-api';

  /** A session's absolute lifetime, counted from the login: refreshing never extends it. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  REFRESH_TOKEN_DAYS = 7;

  /** A session not refreshed for this many days ends (idle timeout); 0: no idle timeout. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(90)
  REFRESH_TOKEN_IDLE_DAYS = 0;

  @Type(() => Number)
  @IsInt()
  @Min(4)
  @Max(15)
  BCRYPT_ROUNDS = 12;

  /** bcrypt hashes at once per process; 0 means as many as the CPUs. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(64)
  BCRYPT_CONCURRENCY = 0;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  LOGIN_MAX_FAILURES = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_LOCKOUT_SECONDS = 60;

  @Type(() => Number)
  @IsInt()
  @Min(8)
  @Max(72)
  PASSWORD_MIN_LENGTH = 10;

  /** Lowest zxcvbn score (0 to 4) a new password must reach. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(4)
  PASSWORD_MIN_SCORE = 3;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(720)
  INVITATION_TTL_HOURS = 72;

  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(1440)
  PASSWORD_RESET_TTL_MINUTES = 30;

  @IsString()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, {
    message: 'TENANT_TEMPLATE_DATABASE must be a lower-case PostgreSQL identifier',
  })
  TENANT_TEMPLATE_DATABASE = 'helpdeskly_tenant_template';

  @IsString()
  @Matches(REDIS_URL, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Required unless VAULT_ADDR is set (then Vault's `db-encryption` secret, when present, wins). */
  @ValidateIf((env: Environment) => !env.VAULT_ADDR || env.DB_ENCRYPTION_KEY !== undefined)
  @IsString()
  @IsNotEmpty()
  DB_ENCRYPTION_KEY?: string;

  /** HashiCorp Vault (KV v2) holding the JWT keys, DB_ENCRYPTION_KEY and database server credentials; unset: the environment. */
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'VAULT_ADDR must be an http(s):// URL' },
  )
  VAULT_ADDR?: string;

  /** A Vault token; or VAULT_ROLE_ID + VAULT_SECRET_ID (AppRole). */
  @IsOptional()
  @IsString()
  VAULT_TOKEN?: string;

  @IsOptional()
  @IsString()
  VAULT_ROLE_ID?: string;

  @ValidateIf((env: Environment) => env.VAULT_ROLE_ID !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'VAULT_SECRET_ID is required with VAULT_ROLE_ID' })
  VAULT_SECRET_ID?: string;

  /** Where the AppRole auth method is mounted. */
  @IsString()
  @Matches(/^[A-Za-z0-9_/-]{1,128}$/, { message: 'VAULT_APPROLE_MOUNT must be a Vault mount path' })
  VAULT_APPROLE_MOUNT = 'approle';

  /** Vault Enterprise / HCP namespace (X-Vault-Namespace). */
  @IsOptional()
  @IsString()
  VAULT_NAMESPACE?: string;

  /** Mount of the KV version 2 secrets engine. */
  @IsString()
  @Matches(/^[A-Za-z0-9_/-]{1,128}$/, { message: 'VAULT_KV_MOUNT must be a Vault mount path' })
  VAULT_KV_MOUNT = 'secret';

  /** Path under the mount where Helpdeskly's secrets live: <path>/jwt, <path>/db-encryption, <path>/database-servers/<name>. */
  @IsString()
  @Matches(/^[A-Za-z0-9_/-]{1,256}$/, { message: 'VAULT_PATH must be a Vault path' })
  VAULT_PATH = 'helpdeskly';

  /** Seconds a secret read from Vault is used before it is read again (a secret's own `ttl` field wins). */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(86_400)
  VAULT_SECRET_TTL_SECONDS = 300;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  VAULT_TIMEOUT_MS = 3_000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  @Transform(toBoolean)
  @IsBoolean()
  ENABLE_METRICS = true;

  @Transform(toBoolean)
  @IsBoolean()
  ENABLE_SWAGGER = false;

  @IsString()
  CORS_ORIGINS = '';

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(120_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  TENANT_MIGRATION_CONCURRENCY = 4;

  /** The one PostgreSQL role all tenant traffic logs in as (through PgBouncer); each tenant database sets it to the tenant's role. */
  @IsString()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'TENANT_GATEWAY_ROLE must be a lower-case PostgreSQL identifier' })
  TENANT_GATEWAY_ROLE = DEFAULT_TENANT_GATEWAY_ROLE;

  /** Its password (PgBouncer's auth_file holds it too). Development and test: generated by scripts/infra.sh in .dev/pgbouncer/secrets.env. */
  @IsString()
  @IsNotEmpty()
  TENANT_GATEWAY_PASSWORD: string;

  /** Connections of each database server kept for everything but tenant traffic; the rest is the tenant backend budget. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  TENANT_BACKEND_RESERVE = 30;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  TENANT_CLIENT_MAX = 200;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  TENANT_CLIENT_IDLE_SECONDS = 60;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  TENANT_CLIENT_POOL_SIZE = 2;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  TENANT_CACHE_TTL_SECONDS = 5;

  /** Proxies whose X-Forwarded-For is believed (the client IP of rate limits and audit): Fastify's trustProxy. */
  @IsString()
  TRUST_PROXY = 'loopback,linklocal,uniquelocal';

  /** Redis of the shared cache and rate limits (may evict); unset: REDIS_URL. Queues always use REDIS_URL. */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  @Matches(REDIS_URL, { message: 'REDIS_CACHE_URL must be a redis:// or rediss:// URL' })
  REDIS_CACHE_URL?: string;

  /** Redis Cluster of the shared cache and rate limits, comma-separated host:port seeds; set, REDIS_CACHE_URL is unused. */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, {
    message: 'REDIS_CLUSTER_NODES must be comma-separated host:port pairs',
  })
  REDIS_CLUSTER_NODES?: string;

  /** Redis Cluster of the BullMQ queues, comma-separated host:port seeds; set, REDIS_URL is unused by the queues. */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, {
    message: 'QUEUE_REDIS_CLUSTER_NODES must be comma-separated host:port pairs',
  })
  QUEUE_REDIS_CLUSTER_NODES?: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  CACHE_REDIS_TTL_SECONDS = 300;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  CACHE_L1_MAX_ENTRIES = 10_000;

  @Transform(toBoolean)
  @IsBoolean()
  RATE_LIMIT_ENABLED = true;

  /** Sign-up, login, refresh, 2FA and password reset: requests per client IP per window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_AUTH_PER_IP = 30;

  /** The same routes: requests per account (email, refresh token family, challenge) per window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_AUTH_PER_ACCOUNT = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_AUTH_WINDOW_SECONDS = 60;

  /** Multiplies every plan's per-tenant and per-user limits (load tests, the test suite). */
  @Type(() => Number)
  @Min(0.01)
  @Max(10_000)
  RATE_LIMIT_PLAN_MULTIPLIER = 1;

  /** Run the queue workers (email, provisioning, tenant migrations, maintenance) inside control-api. */
  @Transform(toBoolean)
  @IsBoolean()
  RUN_WORKERS = false;

  /** Port of the worker process's /health, /health/ready and /metrics. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  WORKER_PORT = 6502;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  EMAIL_WORKER_CONCURRENCY = 5;

  /** How long a worker holds a job's lock; a worker that dies loses it after this and the job runs again. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  QUEUE_LOCK_DURATION_MS = 30_000;

  /** Months of audit log kept: older monthly partitions are dropped by the maintenance job. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_200)
  AUDIT_RETENTION_MONTHS = 24;

  /**
   * Days a send record (email_deliveries) is kept. Longer than failed jobs are kept (14 days), so
   * a job retried from the dead letters still finds its record and is not sent twice.
   */
  @Type(() => Number)
  @IsInt()
  @Min(15, {
    message:
      'EMAIL_DELIVERY_RETENTION_DAYS must be at least 15: failed email jobs are kept 14 days and a retried one must find its send record',
  })
  @Max(3_650)
  EMAIL_DELIVERY_RETENTION_DAYS = 30;

  /** Prefix of every BullMQ key; one per environment sharing a Redis (and per test file). */
  @IsString()
  @Matches(/^[A-Za-z0-9_{}-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1 to 64 letters, digits, _ - { }' })
  QUEUE_PREFIX = 'helpdeskly';

  @IsString()
  @IsNotEmpty()
  SMTP_HOST = '127.0.0.1';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  SMTP_PORT = 1025;

  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  @Transform(toBoolean)
  @IsBoolean()
  SMTP_SECURE = false;

  @IsOptional()
  @IsString()
  SMTP_USER?: string;

  @IsOptional()
  @IsString()
  SMTP_PASSWORD?: string;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  SMTP_TIMEOUT_MS = 10_000;

  /** Address every email comes from; the display name is the tenant's. */
  @IsString()
  @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'MAIL_FROM must be an email address' })
  MAIL_FROM = 'notifications@helpdeskly.local';

  /** Display name of emails that belong to no tenant (and the suffix of tenants' sender names). */
  @IsString()
  @IsNotEmpty()
  MAIL_FROM_NAME = 'Helpdeskly';

  /**
   * The domain of the tenants' hosted addresses: `<slug>@INBOUND_DOMAIN` (point its MX at the
   * inbound SMTP server). Unset: no mail to tickets, and ticket emails carry no Reply-To.
   */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  @Matches(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, {
    message: 'INBOUND_DOMAIN must be a lower-case domain name',
  })
  INBOUND_DOMAIN?: string;

  /** app-api's inbound SMTP server; unset (or empty): none in this process. 0 lets the system choose (tests). */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  INBOUND_SMTP_PORT?: number;

  /** The address the inbound SMTP server listens on. */
  @IsString()
  @IsNotEmpty()
  INBOUND_SMTP_HOST = '0.0.0.0';

  /** Largest message accepted (SIZE, then 552); the whole message is held in memory while it is processed. */
  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  @Max(100 * 1024 * 1024)
  INBOUND_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

  /** Recipients accepted per message (then 452): a message for more tenants than this is spam. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  INBOUND_MAX_RECIPIENTS = 50;

  /** Messages one envelope sender may deliver per hour, over all tenants (then 450; RATE_LIMIT_ENABLED). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  INBOUND_RATE_LIMIT_PER_SENDER = 120;

  /** Messages one tenant may receive per hour (then 450): a flood to one tenant never starves the others. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  INBOUND_RATE_LIMIT_PER_TENANT = 3_000;

  /** PEM certificate (chain) and key files for STARTTLS; both or neither. */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  INBOUND_SMTP_TLS_CERT_FILE?: string;

  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  INBOUND_SMTP_TLS_KEY_FILE?: string;

  /**
   * Days the raw copy of a message that made no ticket or comment (auto-replies, bulk mail,
   * bounces, refusals) is kept, for replaying its parsing; its record stays. The daily purge
   * deletes older copies. Those of tickets go with their ticket.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3_650)
  INBOUND_RAW_RETENTION_DAYS = 30;

  /** Largest attachment kept, in bytes; a larger file is left out of its ticket (the inbound record says so). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1024 * 1024 * 1024)
  ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

  /** Attachments kept per message; the rest are left out (recorded). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000)
  ATTACHMENT_MAX_FILES = 50;

  /** Bytes of attachments one tenant may keep; past it new files are left out (recorded). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  ATTACHMENT_TENANT_QUOTA_BYTES = 10 * 1024 * 1024 * 1024;

  /**
   * app-api's inbound SMTP server as the worker reaches it, e.g. `smtp://127.0.0.1:2525`: mail
   * fetched from tenants' IMAP mailboxes is re-delivered there. Unset (or empty): no IMAP fetching in this process.
   */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  @Matches(/^smtp:\/\/[^\s/:@]+:\d{1,5}\/?$/, { message: 'INBOUND_DELIVERY_URL must look like smtp://host:port' })
  INBOUND_DELIVERY_URL?: string;

  /** Where objects (attachments) are stored: `local` (a directory, development and tests) or `s3`. */
  @IsIn(STORAGE_DRIVERS)
  STORAGE_DRIVER: StorageDriver = 'local';

  /** The local driver's directory (relative to the working directory, or absolute). */
  @IsString()
  @IsNotEmpty()
  STORAGE_LOCAL_DIR = '.dev/storage';

  /** An S3-compatible service (MinIO, Ceph...); unset: AWS S3 of S3_REGION. Not BACKUP_S3_ENDPOINT: backups have their own bucket. */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'S3_ENDPOINT must be an http(s):// URL' },
  )
  S3_ENDPOINT?: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,64}$/, { message: 'S3_REGION must be a region name such as eu-west-1' })
  S3_REGION = 'us-east-1';

  /** Required with STORAGE_DRIVER=s3 (load-config.ts says so). */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    message: 'S3_BUCKET must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)',
  })
  S3_BUCKET?: string;

  /** Both or neither; neither: the AWS SDK's default credential chain (instance profile, AWS_PROFILE...). */
  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /** Path-style URLs (`endpoint/bucket/key`), which MinIO and most S3-compatible services need; unset: true when S3_ENDPOINT is set. */
  @Transform(toBoolean)
  @IsOptional()
  @IsBoolean()
  S3_FORCE_PATH_STYLE?: boolean;

  /** An open circuit breaker (SMTP, outbound HTTP) tries again after this. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  BREAKER_RESET_MS = 30_000;
}
