import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CACHE_NAMESPACES, type CacheNamespace, SharedCache } from '@helpdeskly/cache';
import { AppConfig } from '@helpdeskly/config';
import { isUuid, TenantStatus, tenantPgBouncerUrl } from '@helpdeskly/database';
import type { TenantConnection } from './tenant-client.registry';
import { TenantDirectoryRepository, type TenantRecord } from './tenant-directory.repository';
import { TenancyErrorCode, TenancyException } from './tenancy.errors';

/** A tenant as the control database describes it, with how to reach its database. */
export interface ResolvedTenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly status: TenantStatus;
  readonly settings: Record<string, unknown>;
  readonly connection: TenantConnection;
}

/**
 * Finds an ACTIVE tenant and how to reach its database (PgBouncer, as the gateway role), for a
 * request (app-api's TenantResolver) or a job (the worker). The lookup goes through the shared
 * cache (in process, then Redis); control-api invalidates it on every instance when a tenant's
 * status changes, and the in-process TTL (TENANT_CACHE_TTL_SECONDS) bounds staleness when Redis is
 * unreachable.
 */
@Injectable()
export class TenantLocator {
  private readonly tenants: CacheNamespace<TenantRecord>;
  /** Resolved tenants by cached row: the URL is built once per row the cache holds, not per request. */
  private readonly opened = new WeakMap<TenantRecord, ResolvedTenant>();

  constructor(
    private readonly directory: TenantDirectoryRepository,
    private readonly config: AppConfig,
    cache: SharedCache,
  ) {
    this.tenants = cache.namespace<TenantRecord>(CACHE_NAMESPACES.tenant);
  }

  /** The tenant if it is ACTIVE; a 403 when suspended, a 503 while being created, a 401 otherwise. */
  async activeTenant(tenantId: string): Promise<ResolvedTenant> {
    // Not a UUID: no such tenant (and no query error from PostgreSQL's uuid type, nor a cache entry).
    const cached = isUuid(tenantId)
      ? await this.tenants.getOrLoad(tenantId, () => this.directory.findTenant(tenantId))
      : null;
    if (cached?.status === TenantStatus.ACTIVE) return this.open(cached);
    if (cached?.status === TenantStatus.SUSPENDED)
      throw new TenancyException(
        TenancyErrorCode.TenantSuspended,
        'This tenant is suspended; its owner can contact support.',
      );
    if (cached?.status === TenantStatus.PROVISIONING || cached?.status === TenantStatus.FAILED)
      throw new TenancyException(
        TenancyErrorCode.TenantProvisioning,
        "This tenant's database is being created; retry after Retry-After seconds (control-api's GET /v1/tenants/current says when it is ACTIVE).",
      );
    throw new TenancyException(TenancyErrorCode.TenantUnavailable, 'The tenant of this token is not available.');
  }

  /** The ACTIVE tenant with its connection. */
  private open(cached: TenantRecord): ResolvedTenant {
    let tenant = this.opened.get(cached);
    if (!tenant) {
      const server = { pgbouncerHost: cached.pgbouncerHost, pgbouncerPort: cached.pgbouncerPort };
      const url = tenantPgBouncerUrl(cached, server, this.config.tenancy.gateway);
      // A move to another server (or PgBouncer) gives a new client.
      const version = createHash('sha256')
        .update(`${cached.databaseName}\n${cached.pgbouncerHost}:${cached.pgbouncerPort}`)
        .digest('hex')
        .slice(0, 16);
      tenant = {
        id: cached.id,
        slug: cached.slug,
        name: cached.name,
        status: cached.status,
        settings: cached.settings,
        connection: { tenantId: cached.id, version, url },
      };
      this.opened.set(cached, tenant);
    }
    return tenant;
  }
}
