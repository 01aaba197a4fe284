import { Injectable } from '@nestjs/common';
import type { MembershipRoleName } from '@helpdeskly/auth';
import { CACHE_NAMESPACES, type CacheNamespace, SharedCache, membershipKey } from '@helpdeskly/cache';
import { type TenantMember, TenantDirectoryRepository } from '@helpdeskly/tenant-data';

export type { TenantMember };

/**
 * Who is a member of a tenant, in what role. Roles go through the shared cache (in process, then
 * Redis), which control-api invalidates on every instance whenever a membership is created,
 * changes role or is removed; the in-process TTL (TENANT_CACHE_TTL_SECONDS) bounds staleness only
 * while Redis is unreachable. Names and emails (for emails sent) are read when needed.
 */
@Injectable()
export class TenantMembersService {
  private readonly roles: CacheNamespace<MembershipRoleName>;

  constructor(
    private readonly directory: TenantDirectoryRepository,
    cache: SharedCache,
  ) {
    this.roles = cache.namespace<MembershipRoleName>(CACHE_NAMESPACES.membership);
  }

  /** The user's current role in the tenant, or null when they are not (or no longer) a member. */
  roleOf(tenantId: string, userId: string): Promise<MembershipRoleName | null> {
    return this.roles.getOrLoad(membershipKey(tenantId, userId), () => this.directory.findRole(tenantId, userId));
  }

  async isMember(tenantId: string, userId: string): Promise<boolean> {
    return (await this.roleOf(tenantId, userId)) !== null;
  }

  /** The members among `userIds`, in that order (undefined for a user who is not a member). */
  async byIds(tenantId: string, userIds: readonly string[]): Promise<Array<TenantMember | undefined>> {
    const members = await this.directory.findMembers(tenantId, [...new Set(userIds)]);
    return userIds.map((id) => members.find((m) => m.userId === id));
  }
}
