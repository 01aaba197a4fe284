import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuthContext, MembershipRoleName } from '@helpdeskly/auth';
import { AppConfig } from '@helpdeskly/config';
import { ControlDatabase, SecretBox, TenantStatus, tenantPgBouncerUrl } from '@helpdeskly/database';
import type { TenantConnection } from './tenant-client.registry';
import type { TenantContext } from './tenant-context';
import { TenancyErrorCode, TenancyException } from './tenancy.errors';
import { TtlCache } from './ttl-cache';

/** A tenant as the control database describes it, with how to reach its database. */
export interface ResolvedTenant {
  readonly id: string;
  readonly slug: string;
  readonly status: TenantStatus;
  readonly settings: Record<string, unknown>;
  readonly connection: TenantConnection;
}

const MAX_CACHED_TENANTS = 10_000;
const MAX_CACHED_MEMBERSHIPS = 50_000;

/**
 * Turns a verified token into the request's tenant: the tenant must be ACTIVE and the caller
 * still a member. Both lookups are cached in process for TENANT_CACHE_TTL_SECONDS, so a suspension
 * or a removed member takes effect within that delay.
 */
@Injectable()
export class TenantResolver {
  private readonly tenants: TtlCache<string, Promise<ResolvedTenant | null>>;
  private readonly memberships: TtlCache<string, Promise<MembershipRoleName | null>>;

  constructor(private readonly control: ControlDatabase, private readonly box: SecretBox, config: AppConfig) {
    const ttlMs = config.tenancy.cacheTtlSeconds * 1000;
    this.tenants = new TtlCache({ max: MAX_CACHED_TENANTS, ttlMs });
    this.memberships = new TtlCache({ max: MAX_CACHED_MEMBERSHIPS, ttlMs });
  }

  /** The request's tenant context and connection; throws a TenancyException when refused. */
  async resolve(auth: AuthContext): Promise<{ context: TenantContext; connection: TenantConnection }> {
    const [tenant, role] = await Promise.all([this.activeTenant(auth.tenantId), this.roleOf(auth.tenantId, auth.userId)]);
    if (!role) throw new TenancyException(TenancyErrorCode.MembershipRevoked, 'You are no longer a member of this tenant.');
    return { context: { tenantId: tenant.id, slug: tenant.slug, userId: auth.userId, role, settings: tenant.settings }, connection: tenant.connection };
  }

  /** The tenant if it is ACTIVE; a 403 when suspended, a 401 otherwise. */
  async activeTenant(tenantId: string): Promise<ResolvedTenant> {
    const tenant = await this.tenants.getOrLoad(tenantId, () => this.load(tenantId));
    if (tenant?.status === TenantStatus.ACTIVE) return tenant;
    if (tenant?.status === TenantStatus.SUSPENDED) throw new TenancyException(TenancyErrorCode.TenantSuspended, 'This tenant is suspended; its owner can contact support.');
    throw new TenancyException(TenancyErrorCode.TenantUnavailable, 'The tenant of this token is not available.');
  }

  /** Forgets what is cached about a tenant (and its memberships, when a user is given). */
  invalidate(tenantId: string, userId?: string): void {
    this.tenants.delete(tenantId);
    if (userId) this.memberships.delete(`${tenantId}:${userId}`);
  }

  private roleOf(tenantId: string, userId: string): Promise<MembershipRoleName | null> {
    return this.memberships.getOrLoad(`${tenantId}:${userId}`, async () => {
      const membership = await this.control.membership.findUnique({ where: { userId_tenantId: { userId, tenantId } }, select: { role: true } });
      return membership?.role ?? null;
    });
  }

  private async load(tenantId: string): Promise<ResolvedTenant | null> {
    // Not a UUID: no such tenant (and no query error from PostgreSQL's uuid type).
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenantId)) return null;
    const row = await this.control.tenant.findUnique({ where: { id: tenantId }, include: { databaseServer: { select: { pgbouncerHost: true, pgbouncerPort: true } } } });
    if (!row) return null;
    const settings = row.settings && typeof row.settings === 'object' && !Array.isArray(row.settings) ? (row.settings as Record<string, unknown>) : {};
    // Only an ACTIVE tenant needs its password: others are refused before any database is reached.
    const url = row.status === TenantStatus.ACTIVE ? tenantPgBouncerUrl(row, row.databaseServer, this.box.open(row.databasePasswordEnc)) : '';
    // A new sealed password (rotation) or a move to another server gives a new client.
    const version = createHash('sha256').update(`${row.databasePasswordEnc}\n${row.databaseName}\n${row.databaseServer.pgbouncerHost}:${row.databaseServer.pgbouncerPort}`).digest('hex').slice(0, 16);
    return { id: row.id, slug: row.slug, status: row.status, settings, connection: { tenantId: row.id, version, url } };
  }
}
