import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuthContext, MembershipRoleName } from '@helpdeskly/auth';
import { CACHE_NAMESPACES, type CacheNamespace, SharedCache, membershipKey } from '@helpdeskly/cache';
import { AppConfig } from '@helpdeskly/config';
import { ControlDatabase, TenantStatus, tenantPgBouncerUrl } from '@helpdeskly/database';
import type { TenantConnection } from './tenant-client.registry';
import type { TenantContext } from './tenant-context';
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
 * What the shared cache holds of a tenant (JSON, in Redis too): no credential at all, since every
 * tenant is reached as the gateway role, whose password is configuration.
 */
export interface CachedTenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly status: TenantStatus;
  readonly settings: Record<string, unknown>;
  readonly databaseName: string;
  readonly pgbouncerHost: string;
  readonly pgbouncerPort: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Turns a verified token into the request's tenant: the tenant must be ACTIVE and the caller
 * still a member. Both lookups go through the shared cache (in process, then Redis); control-api
 * invalidates them on every instance when a tenant's status or a membership changes, and the
 * in-process TTL (TENANT_CACHE_TTL_SECONDS) bounds staleness when Redis is unreachable.
 */
@Injectable()
export class TenantResolver {
  private readonly tenants: CacheNamespace<CachedTenant>;
  private readonly memberships: CacheNamespace<MembershipRoleName>;
  /** Resolved tenants by cached row: the URL is built once per row the cache holds, not per request. */
  private readonly opened = new WeakMap<CachedTenant, ResolvedTenant>();

  constructor(
    private readonly control: ControlDatabase,
    private readonly config: AppConfig,
    cache: SharedCache,
  ) {
    this.tenants = cache.namespace<CachedTenant>(CACHE_NAMESPACES.tenant);
    this.memberships = cache.namespace<MembershipRoleName>(CACHE_NAMESPACES.membership);
  }

  /** The request's tenant context and connection; throws a TenancyException when refused. */
  async resolve(auth: AuthContext): Promise<{ context: TenantContext; connection: TenantConnection }> {
    const [tenant, role] = await Promise.all([
      this.activeTenant(auth.tenantId),
      this.roleOf(auth.tenantId, auth.userId),
    ]);
    if (!role)
      throw new TenancyException(TenancyErrorCode.MembershipRevoked, 'You are no longer a member of this tenant.');
    return {
      context: {
        tenantId: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        userId: auth.userId,
        role,
        settings: tenant.settings,
      },
      connection: tenant.connection,
    };
  }

  /** The tenant if it is ACTIVE; a 403 when suspended, a 401 otherwise. */
  async activeTenant(tenantId: string): Promise<ResolvedTenant> {
    // Not a UUID: no such tenant (and no query error from PostgreSQL's uuid type, nor a cache entry).
    const cached = UUID.test(tenantId) ? await this.tenants.getOrLoad(tenantId, () => this.load(tenantId)) : null;
    if (cached?.status === TenantStatus.ACTIVE) return this.open(cached);
    if (cached?.status === TenantStatus.SUSPENDED)
      throw new TenancyException(
        TenancyErrorCode.TenantSuspended,
        'This tenant is suspended; its owner can contact support.',
      );
    throw new TenancyException(TenancyErrorCode.TenantUnavailable, 'The tenant of this token is not available.');
  }

  private roleOf(tenantId: string, userId: string): Promise<MembershipRoleName | null> {
    return this.memberships.getOrLoad(membershipKey(tenantId, userId), async () => {
      const membership = await this.control.membership.findUnique({
        where: { userId_tenantId: { userId, tenantId } },
        select: { role: true },
      });
      return membership?.role ?? null;
    });
  }

  private async load(tenantId: string): Promise<CachedTenant | null> {
    const row = await this.control.tenant.findUnique({
      where: { id: tenantId },
      include: { databaseServer: { select: { pgbouncerHost: true, pgbouncerPort: true } } },
    });
    if (!row) return null;
    const settings =
      row.settings && typeof row.settings === 'object' && !Array.isArray(row.settings)
        ? (row.settings as Record<string, unknown>)
        : {};
    return {
      id: row.id,
      slug: row.slug,
      name: row.name,
      status: row.status,
      settings,
      databaseName: row.databaseName,
      pgbouncerHost: row.databaseServer.pgbouncerHost,
      pgbouncerPort: row.databaseServer.pgbouncerPort,
    };
  }

  /** The ACTIVE tenant with its connection. */
  private open(cached: CachedTenant): ResolvedTenant {
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
