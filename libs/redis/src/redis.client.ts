import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
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

  protected constructor(url: string, options: { enableOfflineQueue?: boolean; maxRetriesPerRequest?: number } = {}) {
    super(url, { ...OPTIONS, ...options });
    let reported = false;
    this.on('error', (error) => {
      // ioredis emits an error per failed reconnection; one line per outage is enough.
      if (!reported) this.logger.warn({ err: error }, 'Redis connection error; retrying in the background');
      reported = true;
    });
    this.on('ready', () => (reported = false));
    this.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.status === 'ready') await this.quit().catch(() => this.disconnect());
    else this.disconnect();
  }
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
 * when unset). Commands fail at once while it is down (no offline queue), so callers fall back
 * (to the database, to the in-process limiter) instead of waiting.
 */
@Injectable()
export class CacheRedisClient extends ManagedRedis {
  constructor(config: AppConfig) {
    super(config.redis.cacheUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }
}
