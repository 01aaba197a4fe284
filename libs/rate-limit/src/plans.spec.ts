import { describe, it } from 'node:test';
import { expect } from 'expect';
import { effectiveLimits, PLAN_LIMITS } from './plans';
import { parseRateLimitFields, rateLimitHeaders } from './rate-limit.headers';

describe('effectiveLimits', () => {
  it('takes the plan, times the multiplier; an unknown plan or no tenant counts as free', () => {
    expect(effectiveLimits({ plan: 'pro', rateLimits: {} }, 1)).toEqual(PLAN_LIMITS.pro);
    expect(effectiveLimits({ plan: 'enterprise', rateLimits: {} }, 2)).toEqual({
      tenantPerMinute: 30_000,
      userPerMinute: 3_000,
    });
    expect(effectiveLimits({ plan: 'platinum', rateLimits: {} }, 1)).toEqual(PLAN_LIMITS.free);
    expect(effectiveLimits(null, 0.5)).toEqual({ tenantPerMinute: 300, userPerMinute: 60 });
  });

  it('applies each valid override as is, and ignores invalid ones', () => {
    expect(effectiveLimits({ plan: 'free', rateLimits: { tenantPerMinute: 5000 } }, 100)).toEqual({
      tenantPerMinute: 5000,
      userPerMinute: 12_000,
    });
    expect(effectiveLimits({ plan: 'free', rateLimits: { tenantPerMinute: -1, userPerMinute: '9' } }, 1)).toEqual(
      PLAN_LIMITS.free,
    );
    expect(effectiveLimits({ plan: 'free', rateLimits: [] }, 1)).toEqual(PLAN_LIMITS.free);
  });
});

describe('rateLimitHeaders', () => {
  it('writes the structured fields of the IETF draft, one member per policy', () => {
    const headers = rateLimitHeaders({
      allowed: true,
      retryAfterSeconds: 0,
      limiter: 'redis',
      states: [
        { policy: 'tenant', limit: 600, windowSeconds: 60, remaining: 599, resetSeconds: 1 },
        { policy: 'user', limit: 120, windowSeconds: 60, remaining: 119, resetSeconds: 1 },
      ],
    });
    expect(headers).toEqual({
      'ratelimit-policy': '"tenant";q=600;w=60, "user";q=120;w=60',
      ratelimit: '"tenant";r=599;t=1, "user";r=119;t=1',
    });
    expect(parseRateLimitFields(headers.ratelimit)).toEqual({ tenant: { r: 599, t: 1 }, user: { r: 119, t: 1 } });
  });
});
