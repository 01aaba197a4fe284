export { SkipRateLimit } from '@helpdeskly/auth';
export { type AccountSource, RATE_LIMIT_POLICY, RateLimit, type RateLimitOptions } from './rate-limit.decorators';
export { gcra, GCRA_SCRIPT, type GcraDecision, type GcraLimit } from './gcra';
export { LocalRateLimiter } from './local-rate-limiter';
export {
  effectiveLimits,
  PLAN_LIMITS,
  type PlanLimits,
  type PlanName,
  PLANS,
  RATE_LIMIT_OVERRIDE_KEYS,
  type TenantLimitsSource,
} from './plans';
export {
  parseRateLimitFields,
  RATE_LIMIT_HEADER,
  RATE_LIMIT_POLICY_HEADER,
  rateLimitHeaders,
} from './rate-limit.headers';
export { RateLimitErrorCode, RateLimitException } from './rate-limit.errors';
export { RateLimitGuard } from './rate-limit.guard';
export { RateLimitModule } from './rate-limit.module';
export type { LimitCheck, LimitDecision, LimiterName, LimitState, RateLimitPolicyName } from './rate-limit.types';
export { RateLimiter } from './rate-limiter.service';
export { REDIS_LIMIT_TIMEOUT_MS, RedisRateLimiter } from './redis-rate-limiter';
export { TenantLimits } from './tenant-limits.service';
