/** Names of the limits, as they appear in RateLimit headers, problem details and metrics labels. */
export type RateLimitPolicyName =
  'auth-ip' | 'auth-account' | 'tenant' | 'user' | 'public-ip' | 'inbound-sender' | 'inbound-tenant';

/** One limit a request is checked against: a key (never a raw secret or email) and its quota. */
export interface LimitCheck {
  readonly policy: RateLimitPolicyName;
  readonly key: string;
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface LimitState {
  readonly policy: RateLimitPolicyName;
  readonly limit: number;
  readonly windowSeconds: number;
  readonly remaining: number;
  /** Seconds until the whole quota is available again. */
  readonly resetSeconds: number;
}

export type LimiterName = 'redis' | 'local';

export interface LimitDecision {
  readonly allowed: boolean;
  /** The policy that refused (the one that frees last). */
  readonly refusedBy?: RateLimitPolicyName;
  /** Whole seconds until the request would be allowed (at least 1 when refused). */
  readonly retryAfterSeconds: number;
  readonly states: readonly LimitState[];
  readonly limiter: LimiterName;
}

/** Builds a decision from the checks and what GCRA (in Redis or in process) answered. */
export function toDecision(
  checks: readonly LimitCheck[],
  refusedIndex: number,
  retryAfterMs: number,
  states: readonly { remaining: number; resetMs: number }[],
  limiter: LimiterName,
): LimitDecision {
  const allowed = refusedIndex < 0;
  return {
    allowed,
    refusedBy: allowed ? undefined : checks[refusedIndex].policy,
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(retryAfterMs / 1000)),
    states: checks.map((c, i) => ({
      policy: c.policy,
      limit: c.limit,
      windowSeconds: c.windowSeconds,
      remaining: states[i].remaining,
      resetSeconds: Math.max(0, Math.ceil(states[i].resetMs / 1000)),
    })),
    limiter,
  };
}
