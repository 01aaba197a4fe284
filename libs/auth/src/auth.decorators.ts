import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthContext, MembershipRoleName } from './auth-context';

export const PUBLIC_ROUTE = 'helpdeskly:public';
export const REQUIRED_ROLES = 'helpdeskly:roles';
export const PLATFORM_ADMIN_ONLY = 'helpdeskly:platform-admin';
export const SKIP_RATE_LIMIT = 'helpdeskly:skip-rate-limit';

/** Every route needs a valid access token unless marked public (health, sign-up, login...). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The caller's current role in the token's tenant must be one of these: checked against the
 * membership as it is now (app-api's TenantContextInterceptor, control-api's
 * MembershipRolesGuard), never against the token's claim.
 */
export const Roles = (...roles: MembershipRoleName[]) => SetMetadata(REQUIRED_ROLES, roles);

/**
 * Never rate limited (RateLimitGuard): probes and scrapes must answer whatever the load. Here, not in
 * libs/rate-limit: libs/health and libs/metrics use it, and libs/rate-limit depends on libs/metrics.
 */
export const SkipRateLimit = () => SetMetadata(SKIP_RATE_LIMIT, true);

/** Only platform administrators (checked again against the database by the admin services). */
export const PlatformAdmin = () => SetMetadata(PLATFORM_ADMIN_ONLY, true);

/** The verified caller; only on routes that are not public. */
export const CurrentAuth = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<FastifyRequest>().auth;
  if (!auth) throw new Error('CurrentAuth used on a route without authentication');
  return auth;
});
