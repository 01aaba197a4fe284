import type { LogLevel, NodeEnv } from './environment';

/** Typed configuration, parsed once at start-up by {@link loadConfig}; also the DI token. */
export abstract class AppConfig {
  abstract readonly env: NodeEnv;
  abstract readonly http: {
    readonly host: string;
    readonly controlPort: number;
    readonly appPort: number;
    readonly frontendUrl: string;
    readonly corsOrigins: readonly string[];
    readonly bodyLimitBytes: number;
    readonly shutdownTimeoutMs: number;
    /** Fastify's trustProxy: which proxies' X-Forwarded-For decides the client IP. */
    readonly trustProxy: string | boolean | number;
  };
  abstract readonly database: {
    /** The control database (helpdeskly_control). */
    readonly controlUrl: string;
    /** Administrative address of the PostgreSQL server where tenant databases are created. */
    readonly tenantServerUrl: string;
    readonly pgbouncer: {
      readonly host: string;
      readonly port: number;
      /** Admin console URL (database "pgbouncer", an admin_users user); unset: no RECONNECT. */
      readonly adminUrl?: string;
    };
    readonly tenantMigrationConcurrency: number;
    /** Migrated database that new tenant databases are cloned from (CREATE DATABASE ... TEMPLATE). */
    readonly tenantTemplateDatabase: string;
  };
  abstract readonly auth: {
    /** JWT_SECRET; read through Secrets (@helpdeskly/secrets), which may take it from Vault instead. */
    readonly jwtSecret?: string;
    /** Still verifies tokens during a rotation; never signs. */
    readonly jwtPreviousSecret?: string;
    readonly jwtExpiresIn: string;
    readonly jwtIssuer: string;
    readonly jwtAudience: string;
    /** A session's absolute lifetime in days, from the login (REFRESH_TOKEN_DAYS). */
    readonly refreshTokenDays: number;
    /** Days without a refresh after which a session ends; 0: never (REFRESH_TOKEN_IDLE_DAYS). */
    readonly refreshTokenIdleDays: number;
    readonly bcryptRounds: number;
    /**
     * bcrypt hashes running at once in this process (BCRYPT_CONCURRENCY; by default as many as the
     * CPUs, not libuv's four threads), so a login storm leaves the event loop its share; further
     * logins queue.
     */
    readonly bcryptConcurrency: number;
    /** DB_ENCRYPTION_KEY; read through Secrets, which may take it from Vault instead. */
    readonly dbEncryptionKey?: string;
    /** Failed logins before the account locks; each further failure doubles the lock. */
    readonly loginMaxFailures: number;
    readonly loginLockoutSeconds: number;
    readonly passwordMinLength: number;
    /** Lowest zxcvbn score (0-4) of a new password (PASSWORD_MIN_SCORE). */
    readonly passwordMinScore: number;
    readonly invitationTtlHours: number;
    readonly passwordResetTtlMinutes: number;
  };
  abstract readonly tenancy: {
    /** Most tenant Prisma clients app-api keeps open (LRU). */
    readonly clientMax: number;
    /** A tenant client unused this long is disconnected. */
    readonly clientIdleSeconds: number;
    /** Connections of each tenant client's pool (to PgBouncer). */
    readonly clientPoolSize: number;
    /** How long a tenant lookup or a membership is cached in process. */
    readonly cacheTtlSeconds: number;
    /** The role all tenant traffic logs in as; PgBouncer caps its server connections (the tenant backend budget). */
    readonly gateway: { readonly role: string; readonly password: string };
    /** Connections of each database server kept for everything but tenant traffic. */
    readonly backendReserve: number;
  };
  abstract readonly redis: {
    /** Queues (BullMQ): must persist (append-only) and never evict. */
    readonly url: string;
    /** Shared cache and rate limits: REDIS_CACHE_URL, or REDIS_URL when unset. */
    readonly cacheUrl: string;
    /** REDIS_CLUSTER_NODES: when not empty, the shared cache and rate limits use this Redis Cluster instead of cacheUrl. */
    readonly clusterNodes: readonly { readonly host: string; readonly port: number }[];
    /** QUEUE_REDIS_CLUSTER_NODES: when not empty, the BullMQ queues use this Redis Cluster instead of url. */
    readonly queueClusterNodes: readonly { readonly host: string; readonly port: number }[];
  };
  abstract readonly cache: {
    /** Time to live of the Redis level of the shared cache (the in-process level uses TENANT_CACHE_TTL_SECONDS). */
    readonly redisTtlSeconds: number;
    readonly l1MaxEntries: number;
  };
  abstract readonly rateLimit: {
    readonly enabled: boolean;
    readonly authPerIp: number;
    readonly authPerAccount: number;
    readonly authWindowSeconds: number;
    readonly planMultiplier: number;
  };
  abstract readonly queues: {
    readonly runWorkers: boolean;
    readonly workerPort: number;
    readonly emailConcurrency: number;
    readonly lockDurationMs: number;
    /** Prefix of every BullMQ key (QUEUE_PREFIX). */
    readonly prefix: string;
  };
  abstract readonly mail: {
    readonly smtp: {
      readonly host: string;
      readonly port: number;
      readonly secure: boolean;
      readonly user?: string;
      readonly password?: string;
      readonly timeoutMs: number;
    };
    readonly from: string;
    readonly fromName: string;
    /** Days a send record (email_deliveries) is kept (EMAIL_DELIVERY_RETENTION_DAYS). */
    readonly deliveryRetentionDays: number;
  };
  abstract readonly breaker: { readonly resetMs: number };
  /** Mail to tickets (app-api's inbound-email): the hosted addresses and their SMTP server. */
  abstract readonly inbound: {
    /** `<slug>@<domain>` reaches a tenant; `<slug>+t<reply token>@<domain>` a ticket. Null: no mail to tickets. */
    readonly domain: string | null;
    readonly smtp: {
      /** Null: no inbound SMTP server in this process. */
      readonly port: number | null;
      readonly host: string;
      readonly maxMessageBytes: number;
      readonly maxRecipients: number;
      /** Rate limits (with RATE_LIMIT_ENABLED): messages per hour per envelope sender, and per tenant. */
      readonly perSenderPerHour: number;
      readonly perTenantPerHour: number;
      /** STARTTLS with this certificate; none: STARTTLS is not offered. */
      readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
    };
    /** app-api's inbound SMTP server for mail fetched over IMAP (INBOUND_DELIVERY_URL); null: no IMAP fetching here. */
    readonly delivery: { readonly host: string; readonly port: number } | null;
    /** Days the raw copy of a message that made no ticket is kept (INBOUND_RAW_RETENTION_DAYS). */
    readonly rawRetentionDays: number;
  };
  /** Limits of the files kept with tickets (bytes, files per message, bytes per tenant). */
  abstract readonly attachments: {
    readonly maxBytes: number;
    readonly maxFiles: number;
    readonly tenantQuotaBytes: number;
  };
  /** Where objects (attachments) live (@helpdeskly/storage). */
  abstract readonly storage: StorageConfig;
  /** Set when VAULT_ADDR is: secrets come from HashiCorp Vault's KV v2 engine (@helpdeskly/secrets). */
  abstract readonly vault?: VaultConfig;
  abstract readonly audit: { readonly retentionMonths: number };
  abstract readonly logging: { readonly level: LogLevel; readonly pretty: boolean };
  abstract readonly features: { readonly metrics: boolean; readonly swagger: boolean };
}

export interface VaultConfig {
  /** VAULT_ADDR without a trailing slash. */
  readonly addr: string;
  readonly auth:
    | { readonly method: 'token'; readonly token: string }
    | { readonly method: 'approle'; readonly roleId: string; readonly secretId: string; readonly mount: string };
  readonly namespace?: string;
  readonly kvMount: string;
  /** Path of Helpdeskly's secrets under the mount. */
  readonly path: string;
  readonly secretTtlSeconds: number;
  readonly timeoutMs: number;
}

/** STORAGE_DRIVER: a directory (`localDir`, absolute) or a bucket of an S3-compatible service. */
export type StorageConfig =
  { readonly driver: 'local'; readonly localDir: string } | { readonly driver: 's3'; readonly s3: S3StorageConfig };

export interface S3StorageConfig {
  /** Unset: AWS S3 of `region`. */
  readonly endpoint?: string;
  readonly region: string;
  readonly bucket: string;
  readonly forcePathStyle: boolean;
  /** Unset: the AWS SDK's default credential chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}
