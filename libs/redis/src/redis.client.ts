import { Injectable, Logger, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { AppConfig } from '@helpdeskly/config';

const OPTIONS = {
  lazyConnect: true,
  connectTimeout: 2_000,
  maxRetriesPerRequest: 2,
  retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
} satisfies RedisOptions;

/**
 * A Redis connection that connects lazily and keeps retrying in the background when Redis is
 * down, so an outage degrades readiness instead of crashing the API; closed with the app.
 */
abstract class ManagedRedis extends Redis implements OnApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);

  protected constructor(
    url: string,
    options: { enableOfflineQueue?: boolean; maxRetriesPerRequest?: number; enableAutoPipelining?: boolean } = {},
  ) {
    super(url, { ...OPTIONS, ...options });
    manage(this, this.logger);
  }

  async onApplicationShutdown(): Promise<void> {
    await close(this);
  }
}

/** Logs one line per outage (ioredis emits an error per failed reconnection) and connects in the background. */
function manage(client: Redis | Cluster, logger: Logger): void {
  let reported = false;
  client.on('error', (error: Error) => {
    if (!reported) logger.warn({ err: error }, 'Redis connection error; retrying in the background');
    reported = true;
  });
  client.on('ready', () => (reported = false));
  client.connect().catch(() => undefined);
}

async function close(client: Redis | Cluster): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

/** The process's shared connection to REDIS_URL (queues' Redis: persistent, never evicts). */
@Injectable()
export class RedisClient extends ManagedRedis {
  constructor(config: AppConfig) {
    super(config.redis.url);
  }
}

/**
 * The connection to the Redis of the shared cache and rate limits (REDIS_CACHE_URL, or REDIS_URL
 * when unset) unless REDIS_CLUSTER_NODES is set (see {@link CACHE_REDIS}). Commands fail at once while it is down (no offline queue), so callers fall back
 * (to the database, to the in-process limiter) instead of waiting. Every request sends a rate-limit
 * script call: auto-pipelining writes the calls of one event-loop turn in one socket write.
 */
@Injectable()
export class CacheRedisClient extends ManagedRedis {
  constructor(config: AppConfig) {
    super(config.redis.cacheUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true });
  }
}

/**
 * The Redis Cluster of the shared cache and rate limits (REDIS_CLUSTER_NODES), with the options of
 * {@link CacheRedisClient}: lazy, retrying in the background, and failing commands at once while
 * the cluster cannot serve them.
 */
export class CacheRedisCluster extends Cluster implements OnApplicationShutdown {
  private readonly logger = new Logger(CacheRedisCluster.name);

  constructor(config: AppConfig) {
    super(
      config.redis.clusterNodes.map(({ host, port }) => ({ host, port })),
      {
        lazyConnect: true,
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        clusterRetryStrategy: OPTIONS.retryStrategy,
        redisOptions: { connectTimeout: OPTIONS.connectTimeout, maxRetriesPerRequest: 1 },
      },
    );
    manage(this, this.logger);
  }

  async onApplicationShutdown(): Promise<void> {
    await close(this);
  }
}

/** The cache and rate-limit connection: one Redis, or a Redis Cluster when REDIS_CLUSTER_NODES is set. */
export type CacheRedis = CacheRedisClient | CacheRedisCluster;

/** Nest token of {@link CacheRedis}: `@Inject(CACHE_REDIS) redis: CacheRedis`. */
export const CACHE_REDIS = Symbol('CacheRedis');

export function createCacheRedis(config: AppConfig): CacheRedis {
  return config.redis.clusterNodes.length > 0 ? new CacheRedisCluster(config) : new CacheRedisClient(config);
}

export const CACHE_REDIS_PROVIDER: Provider = {
  provide: CACHE_REDIS,
  inject: [AppConfig],
  useFactory: createCacheRedis,
};
