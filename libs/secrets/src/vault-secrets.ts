import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig, VaultConfig } from '@helpdeskly/config';
import { ProblemException } from '@helpdeskly/errors';
import type { MetricsRegistry } from '@helpdeskly/metrics';
import type { OutboundHttp } from '@helpdeskly/resilience';
import {
  type DatabaseServerRef,
  type EncryptionKeys,
  type JwtKeys,
  Secrets,
  type SecretsStatus,
  SecretsUnavailableError,
  withCredentials,
} from './secrets';
import { type KvSecret, VaultClient } from './vault.client';

/** Paths under VAULT_PATH, and their fields. */
export const VAULT_SECRETS = {
  /** `secret` signs; `previous_secret` and `next_secret` only verify. */
  jwt: 'jwt',
  /** `v1`, `v2`... and `current` (default: the highest version). */
  dbEncryption: 'db-encryption',
  /** `database-servers/<server name>`: `username`, `password`. */
  databaseServer: (name: string) => `database-servers/${name}`,
} as const;

const MIN_SECRET_LENGTH = 32;
const KEY_VERSION = /^v[1-9]\d*$/;
/** After a failed read, try again after this long (or the TTL when shorter). */
const RETRY_MS = 10_000;
/** Readiness asks Vault's health endpoint at most this often per process. */
const HEALTH_CACHE_MS = 2_000;

type Source = 'vault' | 'environment';

interface ServerEntry {
  readonly credentials?: { readonly username: string; readonly password: string };
  readonly expiresAt: number;
}

/**
 * Secrets from HashiCorp Vault's KV v2 engine (VAULT_ADDR with VAULT_TOKEN or AppRole). Read at
 * start-up (unreachable: the API refuses to start), then again when their TTL ends (a secret's
 * `ttl` field, else VAULT_SECRET_TTL_SECONDS), so a rotation in Vault reaches every instance
 * without a restart. A secret absent from Vault falls back to its environment variable. When Vault
 * becomes unreachable the secrets last read keep serving and readiness reports Vault down.
 */
export class VaultSecrets extends Secrets implements OnApplicationShutdown {
  private readonly logger = new Logger(VaultSecrets.name);
  private jwt!: JwtKeys;
  private encryption!: EncryptionKeys;
  private readonly sources: { jwt?: Source; dbEncryption?: Source } = {};
  private readonly servers = new Map<string, ServerEntry>();
  private readonly serverReads = new Map<string, Promise<ServerEntry>>();
  private timer?: NodeJS.Timeout;
  private lastReadAt?: Date;
  private failingSince?: Date;
  private lastError?: string;
  private health?: { at: number; up: boolean };
  private stopped = false;

  private constructor(
    private readonly config: AppConfig,
    private readonly vault: VaultConfig,
    private readonly client: VaultClient,
    private readonly metrics?: MetricsRegistry,
  ) {
    super();
  }

  /** Reads every start-up secret; throws {@link SecretsUnavailableError} with the reason when it cannot. */
  static async start(config: AppConfig, http: OutboundHttp, metrics?: MetricsRegistry): Promise<VaultSecrets> {
    const vault = config.vault;
    if (!vault) throw new SecretsUnavailableError('VAULT_ADDR is not set');
    const secrets = new VaultSecrets(config, vault, new VaultClient(vault, http), metrics);
    let ttlMs: number;
    try {
      ttlMs = await secrets.readKeys();
    } catch (error) {
      throw error instanceof SecretsUnavailableError
        ? error
        : new SecretsUnavailableError((error as Error).message, { cause: error });
    }
    secrets.logger.log(
      {
        vault: vault.addr,
        auth: vault.auth.method,
        jwt: secrets.sources.jwt,
        dbEncryption: secrets.sources.dbEncryption,
        ttlSeconds: ttlMs / 1000,
      },
      'secrets read from Vault',
    );
    secrets.schedule(ttlMs);
    return secrets;
  }

  jwtKeys(): JwtKeys {
    return this.jwt;
  }

  encryptionKeys(): EncryptionKeys {
    return this.encryption;
  }

  async databaseServerUrl(server: DatabaseServerRef): Promise<string> {
    let entry = this.servers.get(server.name);
    if (!entry || entry.expiresAt <= Date.now()) {
      try {
        entry = await this.readServer(server.name);
      } catch (error) {
        if (!entry) {
          this.logger.error(
            { server: server.name, err: error },
            `cannot read the credentials of database server ${server.name} from Vault`,
          );
          throw new ProblemException({
            status: 503,
            code: 'secrets_unavailable',
            title: 'Secrets unavailable',
            detail: 'The credentials of a database server could not be read from the secrets store; retry shortly.',
            headers: { 'retry-after': '5' },
          });
        }
        this.logger.warn(
          { server: server.name, err: error },
          'Vault unreachable: using the database server credentials read before',
        );
      }
    }
    return entry.credentials ? withCredentials(server.adminUrl, entry.credentials) : server.adminUrl;
  }

  async status(): Promise<SecretsStatus> {
    const now = Date.now();
    if (!this.health || now - this.health.at > HEALTH_CACHE_MS)
      this.health = { at: now, up: await this.client.healthy() };
    const up = this.health.up && !this.failingSince;
    return {
      provider: 'vault',
      status: up ? 'up' : 'down',
      lastReadAt: this.lastReadAt?.toISOString(),
      failingSince: this.failingSince?.toISOString() ?? (up ? undefined : new Date(this.health.at).toISOString()),
      error:
        this.lastError ?? (this.health.up ? undefined : `Vault at ${this.vault.addr} does not answer its health check`),
    };
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Re-reads the keys now (also what the timer runs); false when Vault could not be read. */
  async refresh(): Promise<boolean> {
    try {
      const ttlMs = await this.readKeys();
      this.schedule(ttlMs);
      return true;
    } catch (error) {
      this.failed(error);
      this.schedule(Math.min(RETRY_MS, this.vault.secretTtlSeconds * 1000));
      return false;
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.refresh(), delayMs);
    this.timer.unref();
  }

  /** Reads jwt and db-encryption, validates both, then swaps them in; the smaller TTL in ms. */
  private async readKeys(): Promise<number> {
    const [jwtSecret, encryptionSecret] = await Promise.all([
      this.client.read(VAULT_SECRETS.jwt),
      this.client.read(VAULT_SECRETS.dbEncryption),
    ]);
    const jwt = this.jwtFrom(jwtSecret);
    const encryption = this.encryptionFrom(encryptionSecret);
    const rotated =
      this.jwt !== undefined &&
      (JSON.stringify(jwt) !== JSON.stringify(this.jwt) ||
        JSON.stringify(encryption) !== JSON.stringify(this.encryption));
    this.jwt = jwt;
    this.encryption = encryption;
    this.sources.jwt = jwtSecret ? 'vault' : 'environment';
    this.sources.dbEncryption = encryptionSecret ? 'vault' : 'environment';
    this.succeeded();
    if (rotated) {
      this.logger.log(
        {
          jwtKeys: countKeys(jwt),
          encryptionVersions: Object.keys(encryption.keys),
          currentEncryptionVersion: encryption.current,
        },
        'secrets rotated in Vault: now in use',
      );
      this.metrics?.secretRefreshes.inc({ outcome: 'rotated' });
      this.changed();
    }
    return Math.min(this.ttlMs(jwtSecret), this.ttlMs(encryptionSecret));
  }

  private jwtFrom(secret: KvSecret | undefined): JwtKeys {
    if (!secret) {
      const { jwtSecret, jwtPreviousSecret } = this.config.auth;
      if (!jwtSecret)
        throw new SecretsUnavailableError(
          `No JWT signing key: Vault has no ${this.client.describe(VAULT_SECRETS.jwt)} and JWT_SECRET is not set`,
        );
      return { current: jwtSecret, previous: jwtPreviousSecret };
    }
    const where = this.client.describe(VAULT_SECRETS.jwt);
    return {
      current: requireSecret(secret.data.secret, `${where} field "secret"`),
      previous: optionalSecret(secret.data.previous_secret, `${where} field "previous_secret"`),
      next: optionalSecret(secret.data.next_secret, `${where} field "next_secret"`),
    };
  }

  private encryptionFrom(secret: KvSecret | undefined): EncryptionKeys {
    if (!secret) {
      const key = this.config.auth.dbEncryptionKey;
      if (!key)
        throw new SecretsUnavailableError(
          `No database encryption key: Vault has no ${this.client.describe(VAULT_SECRETS.dbEncryption)} and DB_ENCRYPTION_KEY is not set`,
        );
      return { keys: { v1: key }, current: 'v1' };
    }
    const where = this.client.describe(VAULT_SECRETS.dbEncryption);
    const keys: Record<string, string> = {};
    for (const [field, value] of Object.entries(secret.data)) {
      if (KEY_VERSION.test(field)) keys[field] = requireSecret(value, `${where} field "${field}"`);
    }
    const versions = Object.keys(keys).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    if (versions.length === 0)
      throw new SecretsUnavailableError(
        `${where} has no key version: write fields v1 (and later v2, ...) with current naming the one that seals`,
      );
    const current = secret.data.current === undefined ? versions.at(-1)! : String(secret.data.current);
    if (!keys[current])
      throw new SecretsUnavailableError(
        `${where} field "current" names ${current}, which it does not hold (it holds ${versions.join(', ')})`,
      );
    return { keys, current };
  }

  private readServer(name: string): Promise<ServerEntry> {
    const pending = this.serverReads.get(name);
    if (pending) return pending;
    const read = (async () => {
      try {
        const secret = await this.client.read(VAULT_SECRETS.databaseServer(name));
        const where = this.client.describe(VAULT_SECRETS.databaseServer(name));
        const entry: ServerEntry = {
          credentials: secret
            ? {
                username: requireString(secret.data.username, `${where} field "username"`),
                password: requireString(secret.data.password, `${where} field "password"`),
              }
            : undefined,
          expiresAt: Date.now() + this.ttlMs(secret),
        };
        this.servers.set(name, entry);
        this.succeeded();
        return entry;
      } catch (error) {
        this.failed(error);
        throw error;
      }
    })().finally(() => this.serverReads.delete(name));
    this.serverReads.set(name, read);
    return read;
  }

  /** A secret's own `ttl` field (`90`, `90s`, `15m`, `1h`), else VAULT_SECRET_TTL_SECONDS. */
  private ttlMs(secret: KvSecret | undefined): number {
    const seconds = parseTtl(secret?.data.ttl) ?? this.vault.secretTtlSeconds;
    return Math.max(1, seconds) * 1000;
  }

  private succeeded(): void {
    if (this.failingSince)
      this.logger.log({ vault: this.vault.addr, failingSince: this.failingSince.toISOString() }, 'Vault answers again');
    this.lastReadAt = new Date();
    this.failingSince = undefined;
    this.lastError = undefined;
    this.metrics?.secretRefreshes.inc({ outcome: 'read' });
  }

  private failed(error: unknown): void {
    const message = (error as Error).message;
    if (!this.failingSince) {
      this.failingSince = new Date();
      this.logger.warn(
        { vault: this.vault.addr, err: error },
        'cannot read secrets from Vault: the secrets read before keep serving',
      );
    }
    this.lastError = message;
    this.metrics?.secretRefreshes.inc({ outcome: 'failed' });
  }
}

function countKeys(keys: JwtKeys): number {
  return [keys.current, keys.previous, keys.next].filter(Boolean).length;
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new SecretsUnavailableError(`${what} is missing or not a string`);
  return value;
}

function requireSecret(value: unknown, what: string): string {
  const secret = requireString(value, what);
  if (secret.length < MIN_SECRET_LENGTH)
    throw new SecretsUnavailableError(`${what} must be at least ${MIN_SECRET_LENGTH} characters`);
  return secret;
}

function optionalSecret(value: unknown, what: string): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : requireSecret(value, what);
}

function parseTtl(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+)(s|m|h)?$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] ?? 's']!;
}
