import { Inject, Injectable, Logger } from '@nestjs/common';
import { CACHE_REDIS, type CacheRedis } from '@helpdeskly/redis';
import { LocalRateLimiter } from './local-rate-limiter';
import { RedisRateLimiter } from './redis-rate-limiter';
import type { LimitCheck, LimitDecision } from './rate-limit.types';

/** After a failed Redis call, requests skip Redis this long before one tries it again. */
export const REDIS_RETRY_AFTER_MS = 1_000;

/**
 * Decides with Redis (shared by every instance) while it answers, and with the in-process
 * limiter (same GCRA, same limits, per instance) while it does not: never unlimited, never an
 * error. One warning per outage; back to Redis as soon as it answers again.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly redisLimiter: RedisRateLimiter;
  readonly local = new LocalRateLimiter();
  private degraded = false;
  private skipRedisUntil = 0;

  constructor(@Inject(CACHE_REDIS) private readonly redis: CacheRedis) {
    this.redisLimiter = new RedisRateLimiter(redis);
  }

  async check(checks: readonly LimitCheck[]): Promise<LimitDecision> {
    if (Date.now() >= this.skipRedisUntil) {
      try {
        // Not connected: fail at once rather than queue (the client has no offline queue anyway).
        if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
        const decision = await this.redisLimiter.check(checks);
        this.redisAnswered();
        return decision;
      } catch (error) {
        this.redisFailed(error);
      }
    }
    return this.local.check(checks);
  }

  private redisFailed(error: unknown): void {
    this.skipRedisUntil = Date.now() + REDIS_RETRY_AFTER_MS;
    if (!this.degraded)
      this.logger.warn(
        { err: error },
        'Rate limit Redis unavailable; the in-process limiter decides until it answers again',
      );
    this.degraded = true;
  }

  private redisAnswered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    // Redis holds the shared state again; what was counted here meanwhile is dropped.
    this.local.clear();
    this.logger.log('Rate limit Redis available again; limits are shared across instances again');
  }
}
