import { Injectable } from '@nestjs/common';
import { type AuthContext, AuthErrorCode, AuthException, type MembershipRoleName } from '@helpdeskly/auth';
import { CACHE_NAMESPACES, type CacheNamespace, SharedCache } from '@helpdeskly/cache';
import { applySettingsChange, storedSettingsOf, tenantSettingsOf } from '@helpdeskly/database';
import { AuditService } from '../audit/audit.service';
import type { ClientInfo } from '../auth/sessions/refresh-tokens.service';
import { TenantsErrorCode, TenantsException } from '../tenants/tenants.errors';
import { type MembershipWithTenant, MembershipsRepository } from '../users/memberships.repository';
import type { TenantSettingsDto, UpdateTenantSettingsDto } from './dto/tenant-settings.dto';
import { TenantSettingsRepository } from './tenant-settings.repository';

const READERS: readonly MembershipRoleName[] = ['OWNER', 'ADMIN'];
const WRITERS: readonly MembershipRoleName[] = ['OWNER'];

/**
 * The account settings of the caller's tenant (the token's, never one named in the request).
 * The caller's role is read again from the database, as the token's may predate a demotion. A
 * change is audited with its before and after, and drops app-api's cached tenant row on every
 * instance, so the next email already uses the new sender name.
 */
@Injectable()
export class TenantSettingsService {
  /** app-api's cached tenant rows (TenantContext.settings comes from them). */
  private readonly cachedTenants: CacheNamespace<unknown>;

  constructor(
    private readonly settings: TenantSettingsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly audit: AuditService,
    cache: SharedCache,
  ) {
    this.cachedTenants = cache.namespace(CACHE_NAMESPACES.tenant);
  }

  async get(auth: AuthContext): Promise<TenantSettingsDto> {
    const actor = await this.actor(auth, READERS);
    return tenantSettingsOf(storedSettingsOf(actor.tenant.settings));
  }

  async update(auth: AuthContext, dto: UpdateTenantSettingsDto, client: ClientInfo): Promise<TenantSettingsDto> {
    await this.actor(auth, WRITERS);
    const changed = await this.settings.updateLocked(auth.tenantId, (current) =>
      applySettingsChange(storedSettingsOf(current), dto),
    );
    if (!changed) throw new TenantsException(TenantsErrorCode.NotFound, `No tenant ${auth.tenantId}.`);
    // Every time: app-api's copy holds the stored JSON as it is, and an invalidation is cheap.
    await this.cachedTenants.invalidate(auth.tenantId);
    const before = tenantSettingsOf(storedSettingsOf(changed.before));
    const after = tenantSettingsOf(storedSettingsOf(changed.after));
    // Both are built field by field in one order: equal JSON, nothing changed.
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      await this.audit.record({
        action: 'tenant.settings.updated',
        tenantId: auth.tenantId,
        actorUserId: auth.userId,
        targetType: 'tenant',
        targetId: auth.tenantId,
        ip: client.ip,
        userAgent: client.userAgent,
        metadata: { before, after },
      });
    }
    return after;
  }

  /** The caller's membership as the database has it now, if its role is one of `roles`. */
  private async actor(auth: AuthContext, roles: readonly MembershipRoleName[]): Promise<MembershipWithTenant> {
    const membership = await this.memberships.find(auth.userId, auth.tenantId);
    if (!membership || !roles.includes(membership.role))
      throw new AuthException(AuthErrorCode.InsufficientRole, `This needs one of the roles ${roles.join(', ')}.`);
    return membership;
  }
}
