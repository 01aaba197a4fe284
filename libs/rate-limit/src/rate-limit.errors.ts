import { DomainException } from '@helpdeskly/errors';
import type { RateLimitPolicyName } from './rate-limit.types';

export enum RateLimitErrorCode {
  TooManyRequests = 'too_many_requests',
}

const TABLE = {
  [RateLimitErrorCode.TooManyRequests]: { status: 429, title: 'Too many requests' },
};

/** A request over one of its limits: 429 with Retry-After, naming the policy that refused. */
export class RateLimitException extends DomainException<RateLimitErrorCode> {
  constructor(
    readonly policy: RateLimitPolicyName,
    retryAfterSeconds: number,
  ) {
    super(
      TABLE,
      RateLimitErrorCode.TooManyRequests,
      `Rate limit "${policy}" exceeded; retry in ${retryAfterSeconds} s.`,
      {
        headers: { 'retry-after': String(retryAfterSeconds) },
        extensions: { policy, retryAfterSeconds },
      },
    );
  }
}
