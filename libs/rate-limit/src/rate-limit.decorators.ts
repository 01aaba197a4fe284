import { SetMetadata } from '@nestjs/common';

export const RATE_LIMIT_POLICY = 'helpdeskly:rate-limit';

/**
 * Whose account a request acts on, for the per-account limit: a body field (hashed, lower-cased
 * first when asked; e.g. the email, or a token, which is a secret), else the cookie named (a
 * browser's refresh token, counted as the same token in the body would be), or the authenticated user.
 */
export type AccountSource = { readonly body: string; readonly lowercase?: boolean; readonly cookie?: string } | 'user';

export interface RateLimitOptions {
  readonly policy: 'auth';
  readonly account: AccountSource;
}

/**
 * The strict limits of an authentication route: RATE_LIMIT_AUTH_PER_IP per client IP and
 * RATE_LIMIT_AUTH_PER_ACCOUNT per account, per RATE_LIMIT_AUTH_WINDOW_SECONDS, in place of the
 * per-tenant, per-user or per-IP limits every other route gets.
 */
export const RateLimit = (policy: 'auth', options: { account: AccountSource }) =>
  SetMetadata(RATE_LIMIT_POLICY, { policy, account: options.account } satisfies RateLimitOptions);
