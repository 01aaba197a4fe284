import { Injectable } from '@nestjs/common';
import { AccessTokenService, type AuthContext, AuthErrorCode, AuthException, type SignedToken } from '@helpdeskly/auth';
import { AppConfig } from '@helpdeskly/config';
import { MembershipRole, storedSettingsOf, TenantStatus, tenantSettingsOf, type User } from '@helpdeskly/database';
import { ValidationProblem } from '@helpdeskly/errors';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { RedisClient } from '@helpdeskly/redis';
import { AuditService } from '@helpdeskly/audit';
import type { ClientInfo } from '../common/client-info';
import { TwoFactorService, type SecondFactorMethod } from '../two-factor/two-factor.service';
import { toMembershipDto, toTenantSummaryDto, toUserDto } from '../users/dto/user.dto';
import { type MembershipWithTenant, MembershipsRepository } from '../users/memberships.repository';
import { normalizeEmail, UsersRepository } from '../users/users.repository';
import { AuthenticationErrorCode, AuthenticationException, notAMemberOf } from './auth.errors';
import type { LoginTwoFactorDto } from './dto/login-two-factor.dto';
import type { LoginDto } from './dto/login.dto';
import { type MeDto, type SessionDto, toSessionTokensDto, type TwoFactorChallengeDto } from './dto/session.dto';
import type { SignupDto } from './dto/signup.dto';
import { LoginLockoutService } from './login-lockout.service';
import { PasswordHasher } from './password-hasher.service';
import { assertPasswordFits } from './password-policy';
import { type IssuedRefreshToken, RefreshTokensService } from './sessions/refresh-tokens.service';
import { SignupService } from './signup.service';

const CHALLENGE_TTL_SECONDS = 300;
const ENROLLMENT_TTL_SECONDS = 600;
const ADMIN_ROLES: readonly MembershipRole[] = [MembershipRole.OWNER, MembershipRole.ADMIN];
// One message for an unknown email, a wrong password and a locked account: none is told apart.
const INVALID_CREDENTIALS =
  'The email or password is wrong, or the account is temporarily locked after too many failed attempts.';

type LoginMethod = 'password' | SecondFactorMethod;
/** What a refresh token looks like (opaque-token.ts makes 43 characters; older ones were 20 to 128). */
const OPAQUE_REFRESH_TOKEN = /^[A-Za-z0-9_-]{20,128}$/;

/** 401 for anything that cannot be a refresh token, an access token (a JWT) above all: it is the wrong credential, not a malformed request. */
function assertRefreshTokenShape(token: string): void {
  if (OPAQUE_REFRESH_TOKEN.test(token)) return;
  const jwt = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
  throw new AuthenticationException(
    AuthenticationErrorCode.InvalidRefreshToken,
    jwt ? 'This is an access token: send the refresh token of the session.' : 'The refresh token is not valid.',
  );
}
/** Why a login failed: the label of helpdeskly_login_failures_total, so a closed set. */
type LoginFailureReason = 'unknown_email' | 'account_locked' | 'wrong_password' | 'wrong_second_factor';

/**
 * Sign-up, login (with the second factor when the user has one), refresh, logout and tenant
 * switching. Tokens are issued only for an ACTIVE tenant the user belongs to (or, at sign-up, the
 * tenant still being provisioned), and only once the tenant's 2FA rule is met.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly memberships: MembershipsRepository,
    private readonly hasher: PasswordHasher,
    private readonly signups: SignupService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly tokens: AccessTokenService,
    private readonly lockout: LoginLockoutService,
    private readonly twoFactor: TwoFactorService,
    private readonly redis: RedisClient,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly metrics: MetricsRegistry,
  ) {}

  /**
   * A user, their tenant and their OWNER membership (see SignupService), signed in. The tenant is
   * ACTIVE, or not yet (PROVISIONING, or FAILED and being retried) when its database was not made in time.
   */
  async signup(dto: SignupDto, client: ClientInfo): Promise<SessionDto> {
    const { user, membership } = await this.signups.register(dto, client);
    return this.completeLogin(user, membership, client, 'password');
  }

  /** Tokens, or a 2FA challenge when the user has 2FA on. */
  async login(dto: LoginDto, client: ClientInfo): Promise<SessionDto | TwoFactorChallengeDto> {
    // Before any lookup: bcrypt would check only the first 72 bytes, and the answer says nothing of the account.
    assertPasswordFits(dto.password);
    const user = await this.users.findByEmail(dto.email);
    if (!user) {
      // The same bcrypt work as for a real account, so timing does not reveal which emails exist.
      await this.hasher.verifyAgainstDummy(dto.password);
      await this.loginFailed(null, client, 'unknown_email', { email: normalizeEmail(dto.email) });
      throw this.invalidCredentials();
    }
    if (this.lockout.isLocked(user)) {
      await this.hasher.verify(dto.password, user.passwordHash);
      await this.loginFailed(user, client, 'account_locked');
      throw this.invalidCredentials();
    }
    if (!(await this.hasher.verify(dto.password, user.passwordHash))) {
      await this.lockout.recordFailure(user, client);
      await this.loginFailed(user, client, 'wrong_password');
      throw this.invalidCredentials();
    }

    const membership = await this.resolveMembership(user, dto.tenantSlug);
    if (user.totpEnabledAt) {
      const challenge = this.tokens.signPurpose(
        '2fa_challenge',
        { sub: user.id, tid: membership.tenantId },
        CHALLENGE_TTL_SECONDS,
      );
      return { twoFactorRequired: true, challengeToken: challenge.token, expiresIn: challenge.expiresIn };
    }
    return this.completeLogin(user, membership, client, 'password');
  }

  /** Second step of a login with 2FA: the challenge and a TOTP or recovery code. */
  async loginTwoFactor(dto: LoginTwoFactorDto, client: ClientInfo): Promise<SessionDto> {
    if (dto.code !== undefined && dto.recoveryCode !== undefined) {
      throw new ValidationProblem([
        { field: 'body.recoveryCode', code: 'exclusive', message: 'send either code or recoveryCode, not both' },
      ]);
    }
    const challenge = this.verifyChallenge(dto.challengeToken);
    if (await this.redis.exists(this.challengeKey(challenge.tokenId))) throw this.invalidChallenge();
    const user = await this.users.findById(challenge.userId);
    if (!user) throw this.invalidChallenge();
    if (this.lockout.isLocked(user)) {
      await this.loginFailed(user, client, 'account_locked');
      throw this.invalidSecondFactor();
    }
    const method = await this.twoFactor.verifySecondFactor(user, dto);
    if (!method) {
      await this.lockout.recordFailure(user, client);
      await this.loginFailed(user, client, 'wrong_second_factor');
      throw this.invalidSecondFactor();
    }
    // Spent only once a code verified: a typo does not cost the password step.
    if (!(await this.spendChallenge(challenge.tokenId, challenge.expiresAt))) throw this.invalidChallenge();
    const membership = await this.memberships.find(user.id, challenge.tenantId);
    if (!membership)
      throw new AuthenticationException(
        AuthenticationErrorCode.NotAMember,
        'You are no longer a member of this tenant.',
      );
    this.assertTenantActive(membership);
    return this.completeLogin(user, membership, client, method);
  }

  /** Rotates the refresh token; the new access token carries the membership's current role. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<SessionDto> {
    assertRefreshTokenShape(refreshToken);
    const rotated = await this.refreshTokens.rotate(refreshToken, client);
    const [user, membership] = await Promise.all([
      this.users.findById(rotated.userId),
      this.memberships.find(rotated.userId, rotated.tenantId),
    ]);
    try {
      if (!user || !membership)
        throw new AuthenticationException(
          AuthenticationErrorCode.InvalidRefreshToken,
          'You are no longer a member of this tenant; log in again.',
        );
      this.assertTenantActive(membership);
      this.assertTwoFactorRule(user, membership);
    } catch (error) {
      await this.refreshTokens.revokeFamily(rotated.familyId, 'access_lost', { bestEffort: true });
      throw error;
    }
    return this.session(user, membership, this.signAccess(user, membership, rotated.familyId), rotated);
  }

  /** Ends the session of this refresh token (its whole family), access tokens included. Unknown tokens are ignored. */
  async logout(refreshToken: string, client: ClientInfo): Promise<void> {
    if (!OPAQUE_REFRESH_TOKEN.test(refreshToken)) return;
    const family = await this.refreshTokens.familyOf(refreshToken);
    if (!family) return;
    await this.refreshTokens.revokeFamily(family.familyId, 'logout');
    await this.audit.record({
      action: 'auth.logout',
      tenantId: family.tenantId,
      actorUserId: family.userId,
      targetType: 'refresh_token_family',
      targetId: family.familyId,
      ...client,
    });
  }

  /** Ends every session of the caller, access tokens included (the caller's own too). */
  async logoutAll(auth: AuthContext, client: ClientInfo): Promise<void> {
    const families = await this.refreshTokens.revokeAllForUser(auth.userId, 'logout_all');
    await this.audit.record({
      action: 'auth.logout_all',
      tenantId: auth.tenantId,
      actorUserId: auth.userId,
      targetType: 'user',
      targetId: auth.userId,
      ...client,
      metadata: { families },
    });
  }

  /** Tokens (a new session) for another tenant the caller belongs to. */
  async switchTenant(auth: AuthContext, tenantSlug: string, client: ClientInfo): Promise<SessionDto> {
    const user = await this.currentUser(auth);
    const membership = await this.memberships.findByTenantSlug(user.id, tenantSlug);
    if (!membership) throw notAMemberOf(tenantSlug);
    this.assertTenantActive(membership);
    this.assertTwoFactorRule(user, membership);
    const session = await this.issueSession(user, membership, client);
    await this.audit.record({
      action: 'auth.tenant_switched',
      tenantId: membership.tenantId,
      actorUserId: user.id,
      targetType: 'tenant',
      targetId: membership.tenantId,
      ...client,
      metadata: { fromTenantId: auth.tenantId },
    });
    return session;
  }

  async me(auth: AuthContext): Promise<MeDto> {
    const user = await this.currentUser(auth);
    const memberships = (await this.memberships.listForUser(user.id)).filter(
      (m) => m.tenant.status !== TenantStatus.DELETED,
    );
    return {
      user: toUserDto(user),
      tenantId: auth.tenantId,
      role: auth.role,
      memberships: memberships.map(toMembershipDto),
    };
  }

  /**
   * The membership a login is for: the named tenant's, else the user's only one. With several and
   * no slug, a 422 lists the user's tenants: safe, as the password was right.
   */
  private async resolveMembership(user: User, tenantSlug?: string): Promise<MembershipWithTenant> {
    if (tenantSlug) {
      const membership = await this.memberships.findByTenantSlug(user.id, tenantSlug);
      if (!membership) throw notAMemberOf(tenantSlug);
      this.assertTenantActive(membership);
      return membership;
    }
    const all = await this.memberships.listForUser(user.id);
    const active = all.filter((m) => m.tenant.status === TenantStatus.ACTIVE);
    if (active.length === 1) return active[0];
    if (active.length > 1) {
      throw new AuthenticationException(
        AuthenticationErrorCode.TenantRequired,
        'You belong to several tenants: log in again with one of their slugs as tenantSlug.',
        {
          extensions: { tenants: active.map((m) => ({ slug: m.tenant.slug, name: m.tenant.name })) },
        },
      );
    }
    if (all.length > 0)
      throw new AuthenticationException(
        AuthenticationErrorCode.TenantUnavailable,
        'None of your tenants is available right now.',
      );
    throw new AuthenticationException(AuthenticationErrorCode.NotAMember, 'You are not a member of any tenant.');
  }

  private async completeLogin(
    user: User,
    membership: MembershipWithTenant,
    client: ClientInfo,
    method: LoginMethod,
  ): Promise<SessionDto> {
    this.assertTwoFactorRule(user, membership);
    const session = await this.issueSession(user, membership, client);
    await this.users.recordSuccessfulLogin(user.id);
    await this.audit.record({
      action: 'auth.login.succeeded',
      tenantId: membership.tenantId,
      actorUserId: user.id,
      targetType: 'user',
      targetId: user.id,
      ...client,
      metadata: { method },
    });
    return { ...session, user: toUserDto({ ...user, lastLoginAt: new Date() }) };
  }

  /** A tenant requiring 2FA for OWNER and ADMIN gives them no tokens before they enrol. */
  private assertTwoFactorRule(user: User, membership: MembershipWithTenant): void {
    if (
      !tenantSettingsOf(storedSettingsOf(membership.tenant.settings)).require2faForAdmins ||
      !ADMIN_ROLES.includes(membership.role) ||
      user.totpEnabledAt
    )
      return;
    const enrollment = this.tokens.signPurpose(
      '2fa_enrollment',
      { sub: user.id, tid: membership.tenantId },
      ENROLLMENT_TTL_SECONDS,
    );
    throw new AuthenticationException(
      AuthenticationErrorCode.TwoFactorEnrollmentRequired,
      'This tenant requires two-factor authentication for owners and admins. Send enrollmentToken as the bearer token to POST /v1/auth/2fa/setup, then /v1/auth/2fa/enable, then log in again.',
      { extensions: { enrollmentToken: enrollment.token, expiresIn: enrollment.expiresIn } },
    );
  }

  private assertTenantActive(membership: MembershipWithTenant): void {
    if (membership.tenant.status !== TenantStatus.ACTIVE) {
      throw new AuthenticationException(
        AuthenticationErrorCode.TenantUnavailable,
        `Tenant "${membership.tenant.slug}" is ${membership.tenant.status.toLowerCase()}.`,
      );
    }
  }

  private async issueSession(user: User, membership: MembershipWithTenant, client: ClientInfo): Promise<SessionDto> {
    const refresh = await this.refreshTokens.issue(user.id, membership.tenantId, client);
    return this.session(user, membership, this.signAccess(user, membership, refresh.familyId), refresh);
  }

  private signAccess(user: User, membership: MembershipWithTenant, sessionId: string): SignedToken {
    return this.tokens.signAccess({
      userId: user.id,
      tenantId: membership.tenantId,
      role: membership.role,
      isPlatformAdmin: user.isPlatformAdmin,
      sessionId,
    });
  }

  private session(
    user: User,
    membership: MembershipWithTenant,
    access: SignedToken,
    refresh: IssuedRefreshToken,
  ): SessionDto {
    return {
      ...toSessionTokensDto(access, refresh),
      user: toUserDto(user),
      tenant: toTenantSummaryDto(membership.tenant),
      role: membership.role,
    };
  }

  private async currentUser(auth: AuthContext): Promise<User> {
    const user = await this.users.findById(auth.userId);
    if (!user) throw new AuthException(AuthErrorCode.InvalidToken, 'The user of this token no longer exists.');
    return user;
  }

  private verifyChallenge(token: string) {
    try {
      const challenge = this.tokens.verifyPurpose(token, '2fa_challenge');
      if (!challenge.tenantId) throw this.invalidChallenge();
      return { ...challenge, tenantId: challenge.tenantId };
    } catch {
      throw this.invalidChallenge();
    }
  }

  private challengeKey(tokenId: string): string {
    return `auth:2fa-challenge-used:${tokenId}`;
  }

  /** Marks the challenge used until it expires anyway; false when another request spent it first. */
  private async spendChallenge(tokenId: string, expiresAt: Date): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil((expiresAt.getTime() - Date.now()) / 1000));
    return (await this.redis.set(this.challengeKey(tokenId), '1', 'EX', ttl, 'NX')) === 'OK';
  }

  private loginFailed(
    user: User | null,
    client: ClientInfo,
    reason: LoginFailureReason,
    metadata: Record<string, unknown> = {},
  ): Promise<void> {
    this.metrics.loginFailures.inc({ reason });
    return this.audit.record({
      action: 'auth.login.failed',
      actorUserId: user?.id ?? null,
      targetType: 'user',
      targetId: user?.id,
      success: false,
      ...client,
      metadata: { reason, ...metadata },
    });
  }

  private invalidCredentials() {
    return new AuthenticationException(AuthenticationErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
  }

  private invalidSecondFactor() {
    return new AuthenticationException(
      AuthenticationErrorCode.InvalidTwoFactorCode,
      'The code is wrong or already used, or the account is temporarily locked after too many failed attempts.',
    );
  }

  private invalidChallenge() {
    return new AuthenticationException(
      AuthenticationErrorCode.InvalidChallenge,
      'The 2FA challenge is invalid, expired or already used; log in again.',
    );
  }
}
