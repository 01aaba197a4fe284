import { availableParallelism } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { AppConfig, type StorageConfig } from './app-config';
import { Environment } from './environment';

/** Values shipped in .env.example; a production deployment that kept one has no secret at all. */
export const EXAMPLE_SECRETS: ReadonlySet<string> = new Set([
  'change-me-jwt-secret-at-least-32-characters-long',
  'change-me-db-encryption-key-32-characters-min',
]);

const PRODUCTION_SECRETS = ['JWT_SECRET', 'DB_ENCRYPTION_KEY'] as const;
const MIN_SECRET_LENGTH = 32;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Where scripts/infra.sh keeps the machine's generated secrets of PgBouncer's users (development, test). */
export const DEV_PGBOUNCER_SECRETS = '.dev/pgbouncer/secrets.env';

/**
 * Loads `.env` into process.env for development; variables already set win. The gateway role's
 * password, when set nowhere else, is the one scripts/infra.sh generated for this machine.
 *
 * Under NODE_ENV=test a file named `.env` is not read: a test's environment is `.env.test`
 * (scripts/test.sh exports it), and a developer's `.env` (scripts/dev.sh's ports, INBOUND_DOMAIN,
 * RUN_WORKERS...) must not change what the API processes a test starts do. Other files, such as
 * `.env.example` for scripts/openapi.ts, are read as usual.
 */
export function loadDotEnv(path = '.env'): void {
  if (process.env.NODE_ENV === 'production') return;
  const developersOwn = basename(path) === '.env';
  if (existsSync(path) && !(developersOwn && process.env.NODE_ENV === 'test')) process.loadEnvFile(path);
  loadDevGatewayPassword();
}

/** TENANT_GATEWAY_PASSWORD from `.dev/pgbouncer/secrets.env` (outside production, when unset). */
export function loadDevGatewayPassword(file = DEV_PGBOUNCER_SECRETS): void {
  if (process.env.NODE_ENV === 'production' || process.env.TENANT_GATEWAY_PASSWORD || !existsSync(file)) return;
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('TENANT_GATEWAY_PASSWORD='));
  if (line) process.env.TENANT_GATEWAY_PASSWORD = line.slice('TENANT_GATEWAY_PASSWORD='.length).trim();
}

/** One message per bad variable: "X is required" when absent, else the first rule it breaks. */
function describe(errors: ValidationError[], raw: Record<string, unknown>): string[] {
  return errors.map((e) => {
    if (raw[e.property] === undefined) return `${e.property} is required`;
    const message = Object.values(e.constraints ?? {})[0] ?? 'is invalid';
    return message.startsWith(e.property) ? message : `${e.property}: ${message}`;
  });
}

/** Parses and validates the environment once; throws {@link ConfigError} naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const problems = describe(validateSync(env, { skipMissingProperties: false }), raw);

  if (env.NODE_ENV === 'production') {
    for (const name of PRODUCTION_SECRETS) {
      const value = raw[name];
      if (!value) continue; // already reported as missing
      if (value.length < MIN_SECRET_LENGTH)
        problems.push(`${name} must be at least ${MIN_SECRET_LENGTH} characters in production`);
      else if (EXAMPLE_SECRETS.has(value))
        problems.push(`${name} is the example value from .env.example; set a real secret in production`);
    }
  }
  if (env.VAULT_ADDR && !env.VAULT_TOKEN && !env.VAULT_ROLE_ID)
    problems.push('VAULT_ADDR is set: set VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID (AppRole)');
  if (env.VAULT_TOKEN && env.VAULT_ROLE_ID) problems.push('Set VAULT_TOKEN or VAULT_ROLE_ID/VAULT_SECRET_ID, not both');
  if (env.STORAGE_DRIVER === 's3' && !env.S3_BUCKET) problems.push('S3_BUCKET is required with STORAGE_DRIVER=s3');
  if (env.INBOUND_SMTP_PORT !== undefined && !env.INBOUND_DOMAIN)
    problems.push('INBOUND_SMTP_PORT is set: set INBOUND_DOMAIN, the domain of the addresses it receives mail for');
  if (Boolean(env.INBOUND_SMTP_TLS_CERT_FILE) !== Boolean(env.INBOUND_SMTP_TLS_KEY_FILE))
    problems.push('Set both INBOUND_SMTP_TLS_CERT_FILE and INBOUND_SMTP_TLS_KEY_FILE, or neither');
  if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY)
    problems.push('Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the AWS default credential chain)');
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);

  return Object.freeze<AppConfig>({
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      controlPort: env.CONTROL_PORT,
      appPort: env.APP_PORT,
      frontendUrl: env.FRONTEND_URL,
      corsOrigins: env.CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
    },
    database: {
      controlUrl: env.CONTROL_DATABASE_URL,
      tenantServerUrl: env.DATABASE_URL,
      pgbouncer: { host: env.PGBOUNCER_HOST, port: env.PGBOUNCER_PORT, adminUrl: env.PGBOUNCER_ADMIN_URL || undefined },
      tenantMigrationConcurrency: env.TENANT_MIGRATION_CONCURRENCY,
      tenantTemplateDatabase: env.TENANT_TEMPLATE_DATABASE,
    },
    auth: {
      jwtSecret: env.JWT_SECRET,
      jwtPreviousSecret: env.JWT_PREVIOUS_SECRET,
      jwtExpiresIn: env.JWT_EXPIRES_IN,
      jwtIssuer: env.JWT_ISSUER,
      jwtAudience: env.JWT_AUDIENCE,
      refreshTokenDays: env.REFRESH_TOKEN_DAYS,
      refreshTokenIdleDays: env.REFRESH_TOKEN_IDLE_DAYS,
      bcryptRounds: env.BCRYPT_ROUNDS,
      bcryptConcurrency: env.BCRYPT_CONCURRENCY || availableParallelism(),
      dbEncryptionKey: env.DB_ENCRYPTION_KEY,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginLockoutSeconds: env.LOGIN_LOCKOUT_SECONDS,
      passwordMinLength: env.PASSWORD_MIN_LENGTH,
      passwordMinScore: env.PASSWORD_MIN_SCORE,
      invitationTtlHours: env.INVITATION_TTL_HOURS,
      passwordResetTtlMinutes: env.PASSWORD_RESET_TTL_MINUTES,
    },
    tenancy: {
      clientMax: env.TENANT_CLIENT_MAX,
      clientIdleSeconds: env.TENANT_CLIENT_IDLE_SECONDS,
      clientPoolSize: env.TENANT_CLIENT_POOL_SIZE,
      cacheTtlSeconds: env.TENANT_CACHE_TTL_SECONDS,
      gateway: { role: env.TENANT_GATEWAY_ROLE, password: env.TENANT_GATEWAY_PASSWORD },
      backendReserve: env.TENANT_BACKEND_RESERVE,
    },
    redis: {
      url: env.REDIS_URL,
      cacheUrl: env.REDIS_CACHE_URL ?? env.REDIS_URL,
      clusterNodes: clusterNodesOf(env.REDIS_CLUSTER_NODES),
      queueClusterNodes: clusterNodesOf(env.QUEUE_REDIS_CLUSTER_NODES),
    },
    cache: { redisTtlSeconds: env.CACHE_REDIS_TTL_SECONDS, l1MaxEntries: env.CACHE_L1_MAX_ENTRIES },
    rateLimit: {
      enabled: env.RATE_LIMIT_ENABLED,
      authPerIp: env.RATE_LIMIT_AUTH_PER_IP,
      authPerAccount: env.RATE_LIMIT_AUTH_PER_ACCOUNT,
      authWindowSeconds: env.RATE_LIMIT_AUTH_WINDOW_SECONDS,
      planMultiplier: env.RATE_LIMIT_PLAN_MULTIPLIER,
    },
    queues: {
      runWorkers: env.RUN_WORKERS,
      workerPort: env.WORKER_PORT,
      emailConcurrency: env.EMAIL_WORKER_CONCURRENCY,
      lockDurationMs: env.QUEUE_LOCK_DURATION_MS,
      prefix: queuePrefixOf(
        env.QUEUE_PREFIX,
        env.QUEUE_REDIS_CLUSTER_NODES !== undefined || env.REDIS_CLUSTER_NODES !== undefined,
      ),
    },
    mail: {
      smtp: {
        host: env.SMTP_HOST,
        port: env.SMTP_PORT,
        secure: env.SMTP_SECURE,
        user: env.SMTP_USER || undefined,
        password: env.SMTP_PASSWORD || undefined,
        timeoutMs: env.SMTP_TIMEOUT_MS,
      },
      from: env.MAIL_FROM,
      fromName: env.MAIL_FROM_NAME,
      deliveryRetentionDays: env.EMAIL_DELIVERY_RETENTION_DAYS,
    },
    breaker: { resetMs: env.BREAKER_RESET_MS },
    inbound: {
      domain: env.INBOUND_DOMAIN ?? null,
      smtp: {
        port: env.INBOUND_SMTP_PORT ?? null,
        host: env.INBOUND_SMTP_HOST,
        maxMessageBytes: env.INBOUND_MAX_MESSAGE_BYTES,
        maxRecipients: env.INBOUND_MAX_RECIPIENTS,
        perSenderPerHour: env.INBOUND_RATE_LIMIT_PER_SENDER,
        perTenantPerHour: env.INBOUND_RATE_LIMIT_PER_TENANT,
        tls:
          env.INBOUND_SMTP_TLS_CERT_FILE && env.INBOUND_SMTP_TLS_KEY_FILE
            ? { certFile: env.INBOUND_SMTP_TLS_CERT_FILE, keyFile: env.INBOUND_SMTP_TLS_KEY_FILE }
            : null,
      },
      delivery: deliveryOf(env.INBOUND_DELIVERY_URL),
      rawRetentionDays: env.INBOUND_RAW_RETENTION_DAYS,
    },
    storage: storageOf(env),
    attachments: {
      maxBytes: env.ATTACHMENT_MAX_BYTES,
      maxFiles: env.ATTACHMENT_MAX_FILES,
      tenantQuotaBytes: env.ATTACHMENT_TENANT_QUOTA_BYTES,
    },
    vault: env.VAULT_ADDR
      ? {
          addr: env.VAULT_ADDR.replace(/\/+$/, ''),
          auth: env.VAULT_ROLE_ID
            ? {
                method: 'approle',
                roleId: env.VAULT_ROLE_ID,
                secretId: env.VAULT_SECRET_ID!,
                mount: env.VAULT_APPROLE_MOUNT,
              }
            : { method: 'token', token: env.VAULT_TOKEN! },
          namespace: env.VAULT_NAMESPACE,
          kvMount: env.VAULT_KV_MOUNT.replace(/^\/+|\/+$/g, ''),
          path: env.VAULT_PATH.replace(/^\/+|\/+$/g, ''),
          secretTtlSeconds: env.VAULT_SECRET_TTL_SECONDS,
          timeoutMs: env.VAULT_TIMEOUT_MS,
        }
      : undefined,
    audit: { retentionMonths: env.AUDIT_RETENTION_MONTHS },
    logging: {
      level: env.LOG_LEVEL,
      pretty: (env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json')) === 'pretty',
    },
    features: { metrics: env.ENABLE_METRICS, swagger: env.ENABLE_SWAGGER },
  });
}

/** `smtp://host:port` (validated by Environment) as its parts. */
function deliveryOf(url: string | undefined): AppConfig['inbound']['delivery'] {
  if (!url) return null;
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/** STORAGE_DRIVER and its variables; the local directory made absolute once, at start-up. */
function storageOf(env: Environment): StorageConfig {
  if (env.STORAGE_DRIVER === 'local') return { driver: 'local', localDir: resolve(env.STORAGE_LOCAL_DIR) };
  return {
    driver: 's3',
    s3: {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      bucket: env.S3_BUCKET!,
      forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
      credentials:
        env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
          : undefined,
    },
  };
}

/** TRUST_PROXY: `true`/`false`, a hop count, or comma-separated addresses, CIDRs and proxy-addr names (loopback...). */
function parseTrustProxy(value: string): string | boolean | number {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return value;
}

/** REDIS_CLUSTER_NODES `host:port,host:port` as seed nodes; none when unset. */
function clusterNodesOf(value: string | undefined): { host: string; port: number }[] {
  if (value === undefined) return [];
  return value.split(',').map((node) => {
    const at = node.lastIndexOf(':');
    return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
  });
}

/**
 * With REDIS_CLUSTER_NODES set, a QUEUE_PREFIX without a hash tag gets one (`helpdeskly` becomes
 * `{helpdeskly}`): BullMQ's scripts touch several keys of a queue at once, which a cluster runs
 * only when they share a slot.
 */
function queuePrefixOf(prefix: string, cluster: boolean): string {
  return cluster && !/\{[^}]+\}/.test(prefix) ? `{${prefix}}` : prefix;
}
