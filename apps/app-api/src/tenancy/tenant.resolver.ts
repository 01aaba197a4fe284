import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@helpdeskly/auth';
import { type TenantConnection, TenancyErrorCode, TenancyException, TenantLocator } from '@helpdeskly/tenant-data';
import type { TenantContext } from './tenant-context';
import { TenantMembersService } from './tenant-members.service';

/**
 * Turns a verified token into the request's tenant: the tenant must be ACTIVE and the caller
 * still a member, in the role the membership has now (not the token's). Both lookups (the tenant
 * by TenantLocator, the membership by TenantMembersService) go through the shared cache (in process, then Redis); control-api invalidates them on every instance when a
 * tenant's status or a membership changes, and the in-process TTL (TENANT_CACHE_TTL_SECONDS)
 * bounds staleness when Redis is unreachable.
 */
@Injectable()
export class TenantResolver {
  constructor(
    private readonly locator: TenantLocator,
    private readonly members: TenantMembersService,
  ) {}

  /** The request's tenant context and connection; throws a TenancyException when refused. */
  async resolve(auth: AuthContext): Promise<{ context: TenantContext; connection: TenantConnection }> {
    const [tenant, role] = await Promise.all([
      this.locator.activeTenant(auth.tenantId),
      this.members.roleOf(auth.tenantId, auth.userId),
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
}
