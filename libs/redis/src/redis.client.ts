import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '@helpdeskly/config';

/**
 * The process's shared Redis connection. It connects lazily and keeps retrying in the background
 * when Redis is down, so an outage degrades readiness instead of crashing the API.
 */
@Injectable()
export class RedisClient extends Redis implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisClient.name);

  constructor(config: AppConfig) {
    super(config.redis.url, {
      lazyConnect: true,
      connectTimeout: 2_000,
      maxRetriesPerRequest: 2,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
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
