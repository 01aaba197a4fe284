import type { LimitDecision } from './rate-limit.types';

export const RATE_LIMIT_HEADER = 'ratelimit';
export const RATE_LIMIT_POLICY_HEADER = 'ratelimit-policy';

/**
 * The structured fields of draft-ietf-httpapi-ratelimit-headers (-09 to -11): one list member per
 * policy the request was checked against, `RateLimit-Policy: "tenant";q=600;w=60` (quota, window
 * in seconds) and `RateLimit: "tenant";r=599;t=1` (remaining, seconds until the quota is whole).
 */
export function rateLimitHeaders(decision: LimitDecision): Record<string, string> {
  return {
    [RATE_LIMIT_POLICY_HEADER]: decision.states
      .map((s) => `"${s.policy}";q=${s.limit};w=${s.windowSeconds}`)
      .join(', '),
    [RATE_LIMIT_HEADER]: decision.states.map((s) => `"${s.policy}";r=${s.remaining};t=${s.resetSeconds}`).join(', '),
  };
}

/** Reads RateLimit or RateLimit-Policy back: policy name → its numeric parameters (tests, clients, the bench). */
export function parseRateLimitFields(value: string | null): Record<string, Record<string, number>> {
  const fields: Record<string, Record<string, number>> = {};
  for (const member of (value ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean)) {
    const [name, ...params] = member.split(';');
    fields[name.replace(/^"|"$/g, '')] = Object.fromEntries(
      params.map((p) => p.split('=')).map(([k, v]) => [k, Number(v)]),
    );
  }
  return fields;
}
