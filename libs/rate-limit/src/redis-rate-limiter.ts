import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { GCRA_SCRIPT } from './gcra';
import { type LimitCheck, type LimitDecision, toDecision } from './rate-limit.types';

/** Longest wait for Redis on a request: past it the in-process limiter decides instead. */
export const REDIS_LIMIT_TIMEOUT_MS = 150;

export class RedisLimiterTimeout extends Error {}

/**
 * Every limit of a request checked and consumed in one atomic script call (EVALSHA, loaded once;
 * EVAL on NOSCRIPT after a Redis restart or flush), bounded by {@link REDIS_LIMIT_TIMEOUT_MS}.
 */
export class RedisRateLimiter {
  private readonly sha = createHash('sha1').update(GCRA_SCRIPT).digest('hex');

  constructor(private readonly redis: Redis, private readonly timeoutMs = REDIS_LIMIT_TIMEOUT_MS) {}

  async check(checks: readonly LimitCheck[]): Promise<LimitDecision> {
    const keys = checks.map((c) => c.key);
    const args = checks.flatMap((c) => [c.limit, c.windowSeconds * 1000]);
    const reply = (await this.bounded(this.run(keys, args))) as number[];
    const states = checks.map((_c, i) => ({ remaining: reply[2 + 2 * i], resetMs: reply[3 + 2 * i] }));
    return toDecision(checks, reply[0] - 1, reply[1], states, 'redis');
  }

  private async run(keys: string[], args: number[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
      // EVAL also loads it into the script cache, so the next EVALSHA finds it.
      return this.redis.eval(GCRA_SCRIPT, keys.length, ...keys, ...args);
    }
  }

  private bounded<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisLimiterTimeout(`rate limit Redis call took over ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    // A late answer or error of the abandoned command must not surface as an unhandled rejection.
    command.catch(() => undefined);
    return Promise.race([command, timeout]).finally(() => clearTimeout(timer));
  }
}
