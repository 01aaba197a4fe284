import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@helpdeskly/auth';
import { CACHE_NAMESPACES, type CacheNamespace, SharedCache, membershipKey } from '@helpdeskly/cache';
import { type Membership, MembershipRole } from '@helpdeskly/database';
import { AuditService } from '@helpdeskly/audit';
import { RefreshTokensService } from '../auth/sessions/refresh-tokens.service';
import type { ClientInfo } from '../common/client-info';
import { MembershipsRepository } from '../users/memberships.repository';
import { type MemberDto, type MemberListDto, toMemberDto } from './dto/member.dto';
import { MembersErrorCode, MembersException } from './members.errors';

/** Roles an ADMIN may hand out or take away; only an OWNER touches OWNER. */
const ADMIN_MANAGEABLE: readonly MembershipRole[] = [MembershipRole.AGENT, MembershipRole.ADMIN];

/**
 * The members of the caller's tenant (the token's, never one named in the request): list, change
 * a role, remove. A tenant always keeps an OWNER. The caller's role is read again from the
 * database, so a demotion takes effect before their access token expires.
 */
@Injectable()
export class MembersService {
  /** app-api's cached roles, dropped on every instance when a role changes or a member goes. */
  private readonly cachedRoles: CacheNamespace<unknown>;

  constructor(
    private readonly memberships: MembershipsRepository,
    private readonly audit: AuditService,
    private readonly sessions: RefreshTokensService,
    cache: SharedCache,
  ) {
    this.cachedRoles = cache.namespace(CACHE_NAMESPACES.membership);
  }

  async list(auth: AuthContext): Promise<MemberListDto> {
    await this.actor(auth);
    return { items: (await this.memberships.listForTenant(auth.tenantId)).map(toMemberDto) };
  }

  async changeRole(auth: AuthContext, userId: string, role: MembershipRole, client: ClientInfo): Promise<MemberDto> {
    // @Roles() let only an OWNER or an ADMIN this far; which roles they may touch is decided here.
    const actor = await this.actor(auth);
    const changed = await this.memberships.changeRoleLocked(userId, auth.tenantId, (current, owners) => {
      if (
        actor.role !== MembershipRole.OWNER &&
        !(ADMIN_MANAGEABLE.includes(current.role) && ADMIN_MANAGEABLE.includes(role))
      ) {
        throw new MembersException(
          MembersErrorCode.RoleNotAllowed,
          'An ADMIN may only switch members between AGENT and ADMIN.',
        );
      }
      if (current.role === MembershipRole.OWNER && role !== MembershipRole.OWNER && owners <= 1) throw this.lastOwner();
      return role;
    });
    if (!changed) throw this.notFound(userId);
    if (changed.before.role !== changed.after.role) {
      await this.cachedRoles.invalidate(membershipKey(auth.tenantId, userId));
      await this.record('membership.role_changed', auth, userId, client, {
        before: changed.before.role,
        after: changed.after.role,
      });
    }
    return toMemberDto(changed.after);
  }

  /**
   * An OWNER or ADMIN removes a member (an ADMIN not an OWNER); anyone may leave. Their sessions
   * of the tenant end at once: refresh tokens revoked with the membership, then their access
   * tokens denied on both APIs (a 503 when Redis cannot take it: the removal stands).
   */
  async remove(auth: AuthContext, userId: string, client: ClientInfo): Promise<void> {
    const leaving = userId === auth.userId;
    const actor = await this.actor(auth);
    if (!leaving && actor.role === MembershipRole.AGENT)
      throw new MembersException(MembersErrorCode.RoleNotAllowed, 'Only an OWNER or an ADMIN removes other members.');
    const removed = await this.memberships.removeLocked(
      userId,
      auth.tenantId,
      (current, owners) => {
        if (!leaving && actor.role !== MembershipRole.OWNER && current.role === MembershipRole.OWNER)
          throw new MembersException(MembersErrorCode.RoleNotAllowed, 'Only an OWNER removes an OWNER.');
        if (current.role === MembershipRole.OWNER && owners <= 1) throw this.lastOwner();
      },
      leaving ? 'membership_left' : 'membership_removed',
    );
    if (!removed) throw this.notFound(userId);
    await this.cachedRoles.invalidate(membershipKey(auth.tenantId, userId));
    await this.record('membership.removed', auth, userId, client, {
      before: removed.removed.role,
      after: null,
      left: leaving,
      revokedSessions: removed.revokedSessions,
    });
    await this.sessions.denyRecentlyRevoked(userId, auth.tenantId);
  }

  /** The caller's membership as the database has it now. */
  private async actor(auth: AuthContext): Promise<Membership> {
    const membership = await this.memberships.find(auth.userId, auth.tenantId);
    if (!membership)
      throw new MembersException(MembersErrorCode.NotAMember, 'You are no longer a member of this tenant.');
    return membership;
  }

  private lastOwner(): MembersException {
    return new MembersException(
      MembersErrorCode.LastOwner,
      "This is the tenant's last OWNER: make another member OWNER first.",
    );
  }

  private notFound(userId: string): MembersException {
    return new MembersException(MembersErrorCode.MemberNotFound, `User ${userId} is not a member of this tenant.`);
  }

  private record(
    action: string,
    auth: AuthContext,
    userId: string,
    client: ClientInfo,
    metadata: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      action,
      tenantId: auth.tenantId,
      actorUserId: auth.userId,
      targetType: 'user',
      targetId: userId,
      ...client,
      metadata,
    });
  }
}
