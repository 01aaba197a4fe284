import { Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { AppConfig } from '@helpdeskly/config';
import { queryDurationExtension, TenantPrismaClient } from '@helpdeskly/database';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { TenancyErrorCode, TenancyException } from './tenancy.errors';

/** How to reach a tenant's database; `version` changes when the credentials or address do. */
export interface TenantConnection {
  readonly tenantId: string;
  readonly version: string;
  /** PgBouncer URL with the tenant role's password: never log it. */
  readonly url: string;
}

/**
 * One tenant's database connections: a node-postgres pool, used directly by the hot paths (one SQL
 * statement each) and by Prisma for the rest. The Prisma client is made on first use: each one
 * holds its own query compiler (megabytes), and most tenants served at a time only ever list and
 * read tickets, so a registry of hundreds of open tenants stays small.
 */
export class TenantClient {
  private prismaClient?: TenantPrismaClient;

  constructor(
    readonly pool: Pool,
    private readonly makePrisma: (pool: Pool) => TenantPrismaClient,
  ) {}

  get prisma(): TenantPrismaClient {
    this.prismaClient ??= this.makePrisma(this.pool);
    return this.prismaClient;
  }

  async disconnect(): Promise<void> {
    try {
      await this.prismaClient?.$disconnect();
    } finally {
      await this.pool.end();
    }
  }
}

/** A client held for the duration of a request or a job; release() exactly once when done. */
export interface TenantClientLease {
  readonly client: TenantClient;
  release(): void;
}

export type EvictionReason = 'lru' | 'idle' | 'rotated' | 'unavailable' | 'shutdown';

export interface TenantClientRegistryStats {
  /** Clients connected or disconnecting: never more than `max`. */
  readonly open: number;
  /** Clients in the LRU, ready for requests. */
  readonly live: number;
  /** Evicted clients still used by a request, or being disconnected. */
  readonly retiring: number;
  /** Leases currently held. */
  readonly inUse: number;
  readonly max: number;
  readonly creations: number;
  readonly creationFailures: number;
  readonly evictions: Readonly<Record<EvictionReason, number>>;
  /** Acquisitions that had to wait for a free slot. */
  readonly waits: number;
}

/** Builds the client of one tenant: a small pool through PgBouncer, no session state, and Prisma on it when first used. */
@Injectable()
export class TenantClientFactory {
  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsRegistry,
  ) {}

  async create(connection: TenantConnection): Promise<TenantClient> {
    const { clientPoolSize, clientIdleSeconds } = this.config.tenancy;
    const pool = new Pool({
      connectionString: connection.url,
      max: clientPoolSize,
      idleTimeoutMillis: clientIdleSeconds * 1000,
      connectionTimeoutMillis: 5_000,
      application_name: 'helpdeskly-app',
    });
    // An idle connection PgBouncer closed: the pool drops it, the next query opens another.
    pool.on('error', () => undefined);
    return new TenantClient(pool, (shared) => {
      // The pool is the client's, ended by TenantClient.disconnect().
      const adapter = new PrismaPg(shared, { disposeExternalPool: false });
      // Every operation timed by model and operation, labelled `tenant` only: no label per tenant.
      return new TenantPrismaClient({ adapter }).$extends(
        queryDurationExtension('tenant', this.metrics.dbQueryDuration),
      ) as unknown as TenantPrismaClient;
    });
  }
}

interface Entry {
  readonly tenantId: string;
  readonly version: string;
  readonly ready: Promise<TenantClient>;
  refs: number;
  lastUsedAt: number;
  retired: boolean;
  closing?: Promise<void>;
}

/** How long a request waits for a free client slot before a 503. */
const ACQUIRE_TIMEOUT_MS = 10_000;

/**
 * One Prisma client per tenant, keyed by tenant and credentials version (twenty's datasource
 * cache): created on first use, concurrent first uses share one pending creation, kept in a
 * bounded LRU (TENANT_CLIENT_MAX) and disconnected when evicted (LRU full, idle for
 * TENANT_CLIENT_IDLE_SECONDS, credentials rotated, shutdown). A client in use by a request is never
 * disconnected under it: its eviction completes when the last lease is released. Open clients,
 * including those being retired, never exceed the maximum: when every slot is in use an
 * acquisition waits for one (then 503 `tenant_busy`).
 */
@Injectable()
export class TenantClientRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(TenantClientRegistry.name);
  /** Ready and pending clients by tenant id, least recently used first. */
  private readonly live = new Map<string, Entry>();
  private readonly retiring = new Set<Entry>();
  private waiters: Array<() => void> = [];
  private readonly createdListeners: Array<(tenantId: string) => void> = [];
  private readonly max: number;
  private readonly idleMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private shuttingDown = false;
  private counters = { creations: 0, creationFailures: 0, waits: 0, inUse: 0 };
  private readonly evictions: Record<EvictionReason, number> = {
    lru: 0,
    idle: 0,
    rotated: 0,
    unavailable: 0,
    shutdown: 0,
  };

  /** The clock of idle eviction; tests replace it. */
  now: () => number = Date.now;

  constructor(
    config: AppConfig,
    private readonly factory: TenantClientFactory,
    @Optional() private readonly metrics?: MetricsRegistry,
  ) {
    this.max = config.tenancy.clientMax;
    this.metrics?.tenantClientsMax.set(this.max);
    this.idleMs = config.tenancy.clientIdleSeconds * 1000;
    this.sweeper = setInterval(() => this.evictIdle(), Math.max(250, Math.min(this.idleMs / 2, 5_000)));
    this.sweeper.unref();
  }

  /** The tenant's client, leased until release(); creates it on first use. */
  async acquire(connection: TenantConnection, timeoutMs = ACQUIRE_TIMEOUT_MS): Promise<TenantClientLease> {
    const deadline = performance.now() + timeoutMs;
    let waited = false;
    for (;;) {
      if (this.shuttingDown) throw new TenancyException(TenancyErrorCode.TenantBusy, 'The service is shutting down.');
      let entry = this.live.get(connection.tenantId);
      if (entry && entry.version !== connection.version) {
        this.retire(entry, 'rotated');
        entry = undefined;
      }
      if (entry) return this.lease(entry);
      if (this.openCount() < this.max) return this.lease(this.create(connection));

      const victim = this.leastRecentlyUsedIdle();
      if (victim) {
        await this.retire(victim, 'lru');
        continue;
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0)
        throw new TenancyException(TenancyErrorCode.TenantBusy, 'Every tenant connection is busy; retry shortly.');
      if (!waited) {
        this.counters.waits++;
        this.metrics?.tenantClientWaits.inc();
      }
      waited = true;
      await this.slotChange(remaining);
    }
  }

  /** Tenants with an open client (ready or being created). */
  openTenantIds(): string[] {
    return [...this.live.keys()];
  }

  /** Calls `listener` each time a tenant's client has been created and is ready. */
  onClientCreated(listener: (tenantId: string) => void): void {
    this.createdListeners.push(listener);
  }

  /**
   * Runs `fn` with the tenant's client when one is open, without counting as a use, so background
   * work (the outbox sweeper) never keeps an idle client from being evicted; undefined when none is.
   */
  async withOpenClient<T>(tenantId: string, fn: (client: TenantClient) => Promise<T>): Promise<T | undefined> {
    const entry = this.live.get(tenantId);
    if (!entry || entry.retired) return undefined;
    entry.refs++;
    this.counters.inUse++;
    try {
      return await fn(await entry.ready);
    } finally {
      entry.refs--;
      this.counters.inUse--;
      if (entry.refs === 0) {
        if (entry.retired) void this.close(entry);
        else this.notify();
      }
    }
  }

  stats(): TenantClientRegistryStats {
    return {
      open: this.openCount(),
      live: this.live.size,
      retiring: this.retiring.size,
      inUse: this.counters.inUse,
      max: this.max,
      creations: this.counters.creations,
      creationFailures: this.counters.creationFailures,
      evictions: { ...this.evictions },
      waits: this.counters.waits,
    };
  }

  /** Drops a tenant's client (tenant suspended or deleted): disconnected once no request uses it. */
  async evict(tenantId: string): Promise<void> {
    const entry = this.live.get(tenantId);
    if (entry) await this.retire(entry, 'unavailable');
  }

  /** Disconnects clients unused for TENANT_CLIENT_IDLE_SECONDS (also run by a timer). */
  async evictIdle(): Promise<void> {
    const cutoff = this.now() - this.idleMs;
    const idle = [...this.live.values()].filter((e) => e.refs === 0 && e.lastUsedAt <= cutoff);
    await Promise.all(idle.map((e) => this.retire(e, 'idle')));
  }

  /** After the HTTP server has drained: every client disconnects. */
  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.sweeper);
    for (const entry of [...this.live.values()]) void this.retire(entry, 'shutdown');
    await Promise.all([...this.retiring].map((e) => this.close(e)));
    this.notify();
  }

  private openCount(): number {
    return this.live.size + this.retiring.size;
  }

  private recordOpen(): void {
    this.metrics?.tenantClientsOpen.set(this.openCount());
  }

  private create(connection: TenantConnection): Entry {
    this.counters.creations++;
    const entry: Entry = {
      tenantId: connection.tenantId,
      version: connection.version,
      ready: this.factory.create(connection),
      refs: 0,
      lastUsedAt: this.now(),
      retired: false,
    };
    this.live.set(connection.tenantId, entry);
    entry.ready.then(
      () => this.createdListeners.forEach((listener) => listener(connection.tenantId)),
      () => undefined,
    );
    this.recordOpen();
    entry.ready.then(
      () => this.metrics?.tenantClientCreations.inc({ outcome: 'created' }),
      () => {
        this.counters.creationFailures++;
        this.metrics?.tenantClientCreations.inc({ outcome: 'failed' });
        if (this.live.get(entry.tenantId) === entry) this.live.delete(entry.tenantId);
        this.recordOpen();
        this.notify();
      },
    );
    return entry;
  }

  private async lease(entry: Entry): Promise<TenantClientLease> {
    entry.refs++;
    this.counters.inUse++;
    entry.lastUsedAt = this.now();
    // Most recently used last.
    if (!entry.retired) {
      this.live.delete(entry.tenantId);
      this.live.set(entry.tenantId, entry);
    }
    let client: TenantClient;
    try {
      client = await entry.ready;
    } catch (error) {
      this.unref(entry);
      throw error;
    }
    let released = false;
    return {
      client,
      release: () => {
        if (released) return;
        released = true;
        this.unref(entry);
      },
    };
  }

  private unref(entry: Entry): void {
    entry.refs--;
    this.counters.inUse--;
    entry.lastUsedAt = this.now();
    if (entry.refs > 0) return;
    if (entry.retired) void this.close(entry);
    else this.notify(); // an idle client can now be evicted for a waiting tenant
  }

  private leastRecentlyUsedIdle(): Entry | undefined {
    for (const entry of this.live.values()) if (entry.refs === 0) return entry;
    return undefined;
  }

  /** Out of the LRU at once; disconnected now, or when its last lease is released. */
  private retire(entry: Entry, reason: EvictionReason): Promise<void> {
    if (entry.retired) return entry.closing ?? Promise.resolve();
    entry.retired = true;
    this.evictions[reason]++;
    this.metrics?.tenantClientEvictions.inc({ reason });
    if (this.live.get(entry.tenantId) === entry) this.live.delete(entry.tenantId);
    this.retiring.add(entry);
    this.recordOpen();
    return entry.refs === 0 || reason === 'shutdown' ? this.close(entry) : Promise.resolve();
  }

  private close(entry: Entry): Promise<void> {
    entry.closing ??= entry.ready
      .then((client) => client.disconnect())
      .catch((error: unknown) =>
        this.logger.warn({ err: error, tenantId: entry.tenantId }, 'disconnecting a tenant client failed'),
      )
      .finally(() => {
        this.retiring.delete(entry);
        this.recordOpen();
        this.notify();
      });
    return entry.closing;
  }

  private slotChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
