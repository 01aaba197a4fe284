/**
 * Namespaces of the shared cache that more than one app reads or invalidates. control-api
 * invalidates them when the underlying rows change; app-api (and control-api's rate limiter) read
 * them. Keys: tenant id, or `${tenantId}:${userId}` for memberships.
 */
export const CACHE_NAMESPACES = {
  /** A tenant's row as app-api needs it (status, slug, settings, its database and server; no credential). */
  tenant: 'tenant',
  /** A user's role in a tenant (or none); key `${tenantId}:${userId}`. */
  membership: 'membership',
  /** A tenant's plan and rate-limit overrides. */
  tenantLimits: 'tenant-limits',
  /** A tenant's SLA targets (its `sla` setting, defaults filled in), read by every ticket created; app-api invalidates it when they change. */
  tenantSla: 'tenant-sla',
} as const;

export type CacheNamespaceName = (typeof CACHE_NAMESPACES)[keyof typeof CACHE_NAMESPACES];

export const membershipKey = (tenantId: string, userId: string) => `${tenantId}:${userId}`;
