import { type CodeOf, defineErrors } from '@helpdeskly/errors';
import type { RateLimitPolicyName } from './rate-limit.types';

const rateLimit = defineErrors('rate-limit', {
  TooManyRequests: { code: 'too_many_requests', status: 429, title: 'Too many requests' },
});

export const RateLimitErrorCode = rateLimit.codes;
export type RateLimitErrorCode = CodeOf<typeof RateLimitErrorCode>;

/** A request over one of its limits: 429 with Retry-After, naming the policy that refused. */
export class RateLimitException extends rateLimit.Exception {
  constructor(
    readonly policy: RateLimitPolicyName,
    retryAfterSeconds: number,
  ) {
    super(RateLimitErrorCode.TooManyRequests, `Rate limit "${policy}" exceeded; retry in ${retryAfterSeconds} s.`, {
      headers: { 'retry-after': String(retryAfterSeconds) },
      extensions: { policy, retryAfterSeconds },
    });
  }
}
