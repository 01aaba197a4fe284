import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Cluster, type Redis } from 'ioredis';
import { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { CACHE_REDIS, type CacheRedis } from '@helpdeskly/redis';
import { withTimeout } from '@helpdeskly/async';
import { TtlCache } from './ttl-cache';

export interface CacheNamespaceOptions {
  /** In-process time to live; TENANT_CACHE_TTL_SECONDS unless given. */
  readonly l1TtlMs?: number;
  /** Redis time to live; CACHE_REDIS_TTL_SECONDS unless given. */
  readonly redisTtlSeconds?: number;
  /** Most entries kept in process (LRU); CACHE_L1_MAX_ENTRIES unless given. */
  readonly max?: number;
}

export interface CacheNamespace<V> {
  /** In-process level, then Redis, then load(); null is cached too (negative caching). V must be JSON-serialisable. */
  getOrLoad(key: string, load: () => Promise<V | null>): Promise<V | null>;
  /**
   * Drops the key in Redis and in every instance's in-process level (Redis pub/sub). Never
   * rejects: when Redis cannot be reached the failure is logged, and the other instances' entries
   * live until their in-process TTL.
   */
  invalidate(key: string): Promise<void>;
}

/** Longest wait for one Redis command: past it, a read goes to the source and an invalidation is logged. */
export const CACHE_REDIS_TIMEOUT_MS = 150;

/**
 * Each entry is one Redis hash (one key: a Redis Cluster runs these scripts on its slot): `d` the
 * JSON value, `v` a version that every invalidation bumps. A loader reads `v` before loading and
 * writes only if it is unchanged, so a load that raced an invalidation never puts the old value
 * back. KEYS[1] entry; ARGV version, JSON, TTL seconds.
 */
const WRITE_IF_UNCHANGED = `
if (redis.call('HGET', KEYS[1], 'v') or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'd', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

/** Bumps the version, drops the value and tells every instance, atomically. KEYS[1] entry; ARGV TTL seconds, channel, message. */
const INVALIDATE = `
redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('HDEL', KEYS[1], 'd')
redis.call('EXPIRE', KEYS[1], ARGV[1])
return redis.call('PUBLISH', ARGV[2], ARGV[3])`;

class TimeoutError extends Error {}

/**
 * The two-level cache shared by every instance of every app: a bounded in-process LRU, then Redis
 * (REDIS_CACHE_URL), then the source. Invalidations are published on one channel that each
 * instance's subscriber connection listens to. Redis being down or slow never fails a read (it
 * loads from the source) nor an invalidation (logged; in-process TTLs bound staleness).
 */
@Injectable()
export class SharedCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SharedCache.name);
  private readonly namespaces = new Map<string, SharedCacheNamespace<unknown>>();
  /**
   * Pub/sub channels are per server, not per database: the database and prefix keep environments
   * apart. A cluster has database 0 only, and forwards a PUBLISH to every node's subscribers.
   */
  readonly channel: string;
  private subscriber?: Redis | Cluster;
  private degraded = false;

  constructor(
    @Inject(CACHE_REDIS) private readonly redis: CacheRedis,
    private readonly config: AppConfig,
    readonly metrics: MetricsRegistry,
  ) {
    const db = redis instanceof Cluster ? 0 : (redis.options.db ?? 0);
    this.channel = `${redis.options.keyPrefix ?? ''}hd:cache:invalidations:db${db}`;
  }

  /** The namespace `name` (one per name and process: the first caller's options apply). */
  namespace<V>(name: string, options: CacheNamespaceOptions = {}): CacheNamespace<V> {
    let namespace = this.namespaces.get(name);
    if (!namespace) {
      namespace = new SharedCacheNamespace<unknown>(name, this, this.redis, {
        l1TtlMs: options.l1TtlMs ?? this.config.tenancy.cacheTtlSeconds * 1000,
        redisTtlSeconds: options.redisTtlSeconds ?? this.config.cache.redisTtlSeconds,
        max: options.max ?? this.config.cache.l1MaxEntries,
      });
      this.namespaces.set(name, namespace);
    }
    return namespace as CacheNamespace<V>;
  }

  onModuleInit(): void {
    // A connection in subscriber mode can run nothing else, hence its own.
    const connectionName = 'helpdeskly-cache-invalidations';
    const subscriber =
      this.redis instanceof Cluster
        ? this.redis.duplicate(undefined, {
            lazyConnect: true,
            redisOptions: { ...this.redis.options.redisOptions, connectionName },
          })
        : this.redis.duplicate({ lazyConnect: true, autoResubscribe: false, connectionName });
    this.subscriber = subscriber;
    let reported = false;
    subscriber.on('error', (error: Error) => {
      if (!reported)
        this.logger.warn(
          { err: error },
          'Cache invalidation subscriber lost Redis; in-process entries expire by their TTL meanwhile',
        );
      reported = true;
    });
    subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
    subscriber.on('ready', () => {
      reported = false;
      subscriber
        .subscribe(this.channel)
        // Invalidations published while it was not subscribed are lost: forget everything held.
        .then(() => this.clearL1())
        .catch((error: unknown) => this.logger.warn({ err: error }, 'Cache invalidation subscription failed'));
    });
    subscriber.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber) return;
    if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
    else subscriber.disconnect();
  }

  /** `command`, or a rejection once it takes longer than {@link CACHE_REDIS_TIMEOUT_MS}. */
  bounded<T>(command: Promise<T>): Promise<T> {
    return withTimeout(
      command,
      CACHE_REDIS_TIMEOUT_MS,
      () => new TimeoutError(`cache Redis command took over ${CACHE_REDIS_TIMEOUT_MS} ms`),
    );
  }

  /** One warning per outage, not one per read. */
  redisFailed(error: unknown, what: string): void {
    if (!this.degraded) this.logger.warn({ err: error }, `Cache Redis unavailable (${what}); reading from the source`);
    this.degraded = true;
  }

  redisAnswered(): void {
    if (this.degraded) this.logger.log('Cache Redis available again');
    this.degraded = false;
  }

  message(namespace: string, key: string): string {
    return JSON.stringify([namespace, key]);
  }

  private onMessage(message: string): void {
    try {
      const [namespace, key] = JSON.parse(message) as [string, string];
      this.namespaces.get(namespace)?.drop(key);
    } catch {
      this.logger.warn('Ignored a malformed cache invalidation message');
    }
  }

  private clearL1(): void {
    for (const namespace of this.namespaces.values()) namespace.clear();
  }
}

class SharedCacheNamespace<V> implements CacheNamespace<V> {
  private readonly l1: TtlCache<string, Promise<V | null>>;
  private readonly logger = new Logger(SharedCache.name);

  constructor(
    readonly name: string,
    private readonly cache: SharedCache,
    private readonly redis: CacheRedis,
    private readonly options: { l1TtlMs: number; redisTtlSeconds: number; max: number },
  ) {
    this.l1 = new TtlCache({ max: options.max, ttlMs: options.l1TtlMs });
  }

  getOrLoad(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const held = this.l1.get(key);
    if (held) {
      this.cache.metrics.cacheReads.inc({ namespace: this.name, level: 'l1' });
      return held;
    }
    return this.l1.getOrLoad(key, () => this.fromRedisOrSource(key, load));
  }

  async invalidate(key: string): Promise<void> {
    try {
      await this.cache.bounded(
        this.redis.eval(
          INVALIDATE,
          1,
          this.redisKey(key),
          this.options.redisTtlSeconds,
          this.cache.channel,
          this.cache.message(this.name, key),
        ),
      );
    } catch (error) {
      this.logger.warn(
        { err: error, namespace: this.name },
        'Cache invalidation not published; other instances keep their entry until its in-process TTL',
      );
    } finally {
      // After Redis: a load started meanwhile here may have read the old value.
      this.l1.delete(key);
    }
  }

  /** Forgets the key here, including a load in flight (its callers get its result, later ones load anew). */
  drop(key: string): void {
    this.l1.delete(key);
  }

  clear(): void {
    this.l1.clear();
  }

  private redisKey(key: string): string {
    return `hd:cache:${this.name}:${key}`;
  }

  private async fromRedisOrSource(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const redisKey = this.redisKey(key);
    // Unknown when Redis did not answer: then nothing is written, since no version guards it.
    let version: string | undefined;
    try {
      const [data, current] = await this.cache.bounded(this.redis.hmget(redisKey, 'd', 'v'));
      this.cache.redisAnswered();
      if (data !== null) {
        const value = JSON.parse(data) as V | null;
        this.cache.metrics.cacheReads.inc({ namespace: this.name, level: 'redis' });
        return value;
      }
      version = current ?? '0';
    } catch (error) {
      this.cache.redisFailed(error, `read ${this.name}`);
    }
    const value = await load();
    this.cache.metrics.cacheReads.inc({ namespace: this.name, level: 'load' });
    if (version !== undefined) {
      await this.cache
        .bounded(
          this.redis.eval(
            WRITE_IF_UNCHANGED,
            1,
            redisKey,
            version,
            JSON.stringify(value),
            this.options.redisTtlSeconds,
          ),
        )
        .catch((error: unknown) => this.cache.redisFailed(error, `write ${this.name}`));
    }
    return value;
  }
}
