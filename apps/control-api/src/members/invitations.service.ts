import { Injectable } from '@nestjs/common';
import {
  AccessTokenService,
  type AuthContext,
  AuthErrorCode,
  AuthException,
  SessionRevocations,
} from '@helpdeskly/auth';
import { CACHE_NAMESPACES, SharedCache, membershipKey } from '@helpdeskly/cache';
import { AppConfig } from '@helpdeskly/config';
import { type Membership, MembershipRole, TenantStatus } from '@helpdeskly/database';
import { EmailOutbox, frontendLink } from '@helpdeskly/mail';
import { AuditService } from '@helpdeskly/audit';
import { PasswordHasher } from '../auth/password-hasher.service';
import { assertPasswordFits, PasswordPolicy } from '../auth/password-policy';
import { hashOpaqueToken, newOpaqueToken } from '../auth/opaque-token';
import type { ClientInfo } from '../common/client-info';
import { toTenantSummaryDto } from '../users/dto/user.dto';
import { MembershipsRepository } from '../users/memberships.repository';
import { UsersRepository, normalizeEmail } from '../users/users.repository';
import {
  type AcceptInvitationDto,
  type AcceptedInvitationDto,
  type CreateInvitationDto,
  type InvitationDto,
  type InvitationListDto,
  toInvitationDto,
} from './dto/invitation.dto';
import { type InvitationAccount, InvitationsRepository, type InvitationWithTenant } from './invitations.repository';
import { MembersErrorCode, MembersException } from './members.errors';

const HOUR_MS = 3_600_000;
const BEARER = /^Bearer (\S+)$/;

/**
 * Invitations into the caller's tenant (always the token's): invite by email with a one-time link,
 * list the pending ones, revoke, accept.
 *
 * Accepting: a new email creates the account (name and password in the body). An email that
 * already has an account must prove it is theirs: the request carries that user's access token
 * (of any tenant), so their password and 2FA were checked at login; no password travels here.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly tokens: AccessTokenService,
    private readonly revocations: SessionRevocations,
    private readonly outbox: EmailOutbox,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly cache: SharedCache,
  ) {}

  async invite(auth: AuthContext, dto: CreateInvitationDto, client: ClientInfo): Promise<InvitationDto> {
    const actor = await this.actor(auth);
    if (dto.role === MembershipRole.OWNER && actor.role !== MembershipRole.OWNER)
      throw new MembersException(MembersErrorCode.RoleNotAllowed, 'Only an OWNER invites an OWNER.');
    const email = normalizeEmail(dto.email);
    const existing = await this.users.findByEmail(email);
    if (existing && (await this.memberships.find(existing.id, auth.tenantId)))
      throw new MembersException(MembersErrorCode.AlreadyMember, `${email} is already a member of this tenant.`);

    const { token, tokenHash } = newOpaqueToken();
    const expiresAt = new Date(Date.now() + this.config.auth.invitationTtlHours * HOUR_MS);
    const invitation = await this.invitations.replacePending({
      tenantId: auth.tenantId,
      email,
      role: dto.role,
      tokenHash,
      invitedById: auth.userId,
      expiresAt,
    });
    const inviter = await this.users.findById(auth.userId);
    await this.outbox.enqueue({
      template: 'invitation',
      key: invitation.id,
      to: email,
      data: {
        tenantName: invitation.tenant.name,
        inviterName: inviter?.name ?? null,
        role: invitation.role,
        link: frontendLink(this.config.http.frontendUrl, 'accept-invitation', { token }),
        expiresAt: expiresAt.toISOString(),
      },
    });
    await this.record('membership.invited', auth.tenantId, auth.userId, invitation.id, client, {
      email,
      role: invitation.role,
      expiresAt: expiresAt.toISOString(),
    });
    return toInvitationDto(invitation);
  }

  async listPending(auth: AuthContext): Promise<InvitationListDto> {
    return { items: (await this.invitations.listPending(auth.tenantId, new Date())).map(toInvitationDto) };
  }

  /** Idempotent for a revoked invitation; 409 for an accepted one. */
  async revoke(auth: AuthContext, id: string, client: ClientInfo): Promise<void> {
    const invitation = await this.invitations.findById(auth.tenantId, id);
    if (!invitation)
      throw new MembersException(MembersErrorCode.InvitationNotFound, `No invitation ${id} in this tenant.`);
    if (invitation.acceptedAt)
      throw new MembersException(
        MembersErrorCode.InvitationAlreadyAccepted,
        'This invitation was already accepted; remove the member instead.',
      );
    if (await this.invitations.revoke(auth.tenantId, id, new Date())) {
      await this.record('membership.invitation_revoked', auth.tenantId, auth.userId, id, client, {
        email: invitation.email,
        role: invitation.role,
      });
    }
  }

  async accept(
    dto: AcceptInvitationDto,
    authorization: string | undefined,
    client: ClientInfo,
  ): Promise<AcceptedInvitationDto> {
    if (dto.password !== undefined) assertPasswordFits(dto.password);
    const invitation = await this.invitations.findByTokenHash(hashOpaqueToken(dto.token));
    if (!invitation)
      throw new MembersException(MembersErrorCode.InvitationNotFound, 'This invitation link is not valid.');
    this.assertAcceptable(invitation);

    const existing = await this.users.findByEmail(invitation.email);
    let account: InvitationAccount;
    if (existing) {
      const caller = await this.callerOf(authorization);
      if (caller.userId !== existing.id)
        throw new MembersException(
          MembersErrorCode.InvitationEmailMismatch,
          'This invitation is for another email than the one you are logged in with.',
        );
      account = { userId: existing.id };
    } else {
      account = {
        newUser: { name: dto.name!, passwordHash: await this.newAccountPasswordHash(dto, invitation.email) },
      };
    }

    const outcome = await this.invitations.accept(invitation, account, new Date());
    switch (outcome.status) {
      case 'claimed_meanwhile': {
        const again = await this.invitations.findByTokenHash(hashOpaqueToken(dto.token));
        this.assertAcceptable(again ?? invitation);
        throw new MembersException(MembersErrorCode.InvitationAlreadyAccepted, 'This invitation was already accepted.');
      }
      case 'already_member':
        throw new MembersException(MembersErrorCode.AlreadyMember, 'You are already a member of this tenant.');
      case 'email_taken':
        throw new MembersException(
          MembersErrorCode.EmailRegisteredMeanwhile,
          'An account with this email was created meanwhile: log in with it, then accept again.',
        );
    }
    // app-api may hold "not a member" for this user (a token of this tenant tried before).
    await this.cache
      .namespace(CACHE_NAMESPACES.membership)
      .invalidate(membershipKey(invitation.tenantId, outcome.user.id));
    await this.record('membership.accepted', invitation.tenantId, outcome.user.id, invitation.id, client, {
      email: invitation.email,
      before: null,
      after: outcome.membership.role,
      accountCreated: !existing,
    });
    return {
      tenant: toTenantSummaryDto(invitation.tenant),
      role: outcome.membership.role,
      userId: outcome.user.id,
      accountCreated: !existing,
    };
  }

  /** Refuses an invitation that is accepted, revoked, expired, or whose tenant is not open. */
  private assertAcceptable(invitation: InvitationWithTenant): void {
    if (invitation.acceptedAt)
      throw new MembersException(MembersErrorCode.InvitationAlreadyAccepted, 'This invitation was already accepted.');
    if (invitation.revokedAt)
      throw new MembersException(MembersErrorCode.InvitationRevoked, 'This invitation was revoked; ask for a new one.');
    if (invitation.expiresAt.getTime() <= Date.now())
      throw new MembersException(MembersErrorCode.InvitationExpired, 'This invitation has expired; ask for a new one.');
    if (invitation.tenant.status !== TenantStatus.ACTIVE)
      throw new MembersException(MembersErrorCode.TenantUnavailable, `The tenant is ${invitation.tenant.status}.`);
  }

  /** The user proven by the request's access token (the route is public: new users have none). */
  private async callerOf(authorization: string | undefined): Promise<AuthContext> {
    if (!authorization)
      throw new MembersException(
        MembersErrorCode.InvitationLoginRequired,
        'This email already has an account: log in and accept with its access token (Authorization: Bearer <token>).',
        { headers: { 'www-authenticate': 'Bearer' } },
      );
    const match = BEARER.exec(authorization);
    if (!match)
      throw new AuthException(AuthErrorCode.InvalidToken, 'The Authorization header must be "Bearer <token>".');
    const caller = this.tokens.verifyAccess(match[1]);
    // As AccessTokenGuard does: a logged-out session proves nothing.
    await this.revocations.assertActive(caller);
    return caller;
  }

  private async newAccountPasswordHash(dto: AcceptInvitationDto, email: string): Promise<string> {
    const missing = [!dto.name && 'name', !dto.password && 'password'].filter((f): f is string => !!f);
    if (missing.length > 0) {
      throw new MembersException(
        MembersErrorCode.AccountDetailsRequired,
        'This email has no account yet: send a name and a password to create it.',
        {
          errors: missing.map((f) => ({
            field: `body.${f}`,
            code: 'isDefined',
            message: `${f} is required to create the account`,
          })),
        },
      );
    }
    this.policy.assertAcceptable(dto.password!, { email, name: dto.name });
    return this.hasher.hash(dto.password!);
  }

  /** The caller's membership, which must still be OWNER or ADMIN in the database. */
  /** The caller's membership now (@Roles() let only an OWNER or an ADMIN this far), for what its role allows. */
  private async actor(auth: AuthContext): Promise<Membership> {
    const membership = await this.memberships.find(auth.userId, auth.tenantId);
    if (!membership)
      throw new MembersException(MembersErrorCode.NotAMember, 'You are no longer a member of this tenant.');
    return membership;
  }

  private record(
    action: string,
    tenantId: string,
    actorUserId: string,
    invitationId: string,
    client: ClientInfo,
    metadata: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      action,
      tenantId,
      actorUserId,
      targetType: 'invitation',
      targetId: invitationId,
      ...client,
      metadata,
    });
  }
}
