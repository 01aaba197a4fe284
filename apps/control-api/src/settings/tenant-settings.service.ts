import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@helpdeskly/auth';
import { CACHE_NAMESPACES, type CacheNamespace, SharedCache } from '@helpdeskly/cache';
import { applySettingsChange, storedSettingsOf, tenantSettingsOf } from '@helpdeskly/database';
import { AuditService } from '@helpdeskly/audit';
import { TenantsErrorCode, TenantsException } from '@helpdeskly/tenants';
import type { ClientInfo } from '../common/client-info';
import type { TenantSettingsDto, UpdateTenantSettingsDto } from './dto/tenant-settings.dto';
import { TenantSettingsRepository } from './tenant-settings.repository';

/**
 * The account settings of the caller's tenant (the token's, never one named in the request); who
 * may read and change them is the controller's @Roles(), checked against the current membership
 * by MembershipRolesGuard. A change is audited with its before and after, and drops app-api's
 * cached tenant row on every instance, so the next email already uses the new sender name.
 */
@Injectable()
export class TenantSettingsService {
  /** app-api's cached tenant rows (TenantContext.settings comes from them). */
  private readonly cachedTenants: CacheNamespace<unknown>;

  constructor(
    private readonly settings: TenantSettingsRepository,
    private readonly audit: AuditService,
    cache: SharedCache,
  ) {
    this.cachedTenants = cache.namespace(CACHE_NAMESPACES.tenant);
  }

  async get(auth: AuthContext): Promise<TenantSettingsDto> {
    const tenant = await this.settings.find(auth.tenantId);
    if (!tenant) throw new TenantsException(TenantsErrorCode.NotFound, `No tenant ${auth.tenantId}.`);
    return tenantSettingsOf(storedSettingsOf(tenant.settings));
  }

  async update(auth: AuthContext, dto: UpdateTenantSettingsDto, client: ClientInfo): Promise<TenantSettingsDto> {
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
        ...client,
        metadata: { before, after },
      });
    }
    return after;
  }
}
