import { gcra } from './gcra';
import { type LimitCheck, type LimitDecision, toDecision } from './rate-limit.types';

/** Most keys held while Redis is away (about 100 bytes each): an IP flood cannot grow it further. */
export const LOCAL_LIMITER_MAX_KEYS = 100_000;

/**
 * The same GCRA as Redis, in this process only: takes over while Redis is unreachable, so limits
 * still hold per instance. Memory is bounded: a key is dropped once its quota is whole again
 * (its TAT passed), and the least recently used keys go first past `maxKeys`.
 */
export class LocalRateLimiter {
  private readonly tats = new Map<string, number>();

  constructor(
    private readonly maxKeys = LOCAL_LIMITER_MAX_KEYS,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.tats.size;
  }

  check(checks: readonly LimitCheck[]): LimitDecision {
    const now = this.clock();
    const stored = checks.map((c) => {
      const tat = this.tats.get(c.key);
      if (tat === undefined || tat > now) return tat;
      this.tats.delete(c.key);
      return undefined;
    });
    const decision = gcra(
      stored,
      checks.map((c) => ({ limit: c.limit, windowMs: c.windowSeconds * 1000 })),
      now,
    );
    if (decision.allowed) {
      checks.forEach((c, i) => {
        // Re-inserted at the end: Map order is the LRU order.
        this.tats.delete(c.key);
        this.tats.set(c.key, decision.tats[i]);
      });
      this.evict();
    }
    return toDecision(checks, decision.refused, decision.retryAfterMs, decision.states, 'local');
  }

  clear(): void {
    this.tats.clear();
  }

  /** Least recently used first: forgetting a key lets it burst once more, the price of the bound. */
  private evict(): void {
    for (const key of this.tats.keys()) {
      if (this.tats.size <= this.maxKeys) return;
      this.tats.delete(key);
    }
  }
}
