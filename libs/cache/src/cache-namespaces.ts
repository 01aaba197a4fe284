/**
 * Namespaces of the shared cache that more than one app reads or invalidates. control-api
 * invalidates them when the underlying rows change; app-api (and control-api's rate limiter) read
 * them. Keys: tenant id, or `${tenantId}:${userId}` for memberships.
 */
export const CACHE_NAMESPACES = {
  /** A tenant's row as app-api needs it (status, slug, settings, sealed database credentials). */
  tenant: 'tenant',
  /** A user's role in a tenant (or none); key `${tenantId}:${userId}`. */
  membership: 'membership',
  /** A tenant's plan and rate-limit overrides. */
  tenantLimits: 'tenant-limits',
} as const;

export type CacheNamespaceName = (typeof CACHE_NAMESPACES)[keyof typeof CACHE_NAMESPACES];

export const membershipKey = (tenantId: string, userId: string) => `${tenantId}:${userId}`;
