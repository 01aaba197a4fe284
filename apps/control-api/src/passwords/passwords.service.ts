import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AccessTokenService, type AuthContext, AuthErrorCode, AuthException } from '@helpdeskly/auth';
import { AppConfig } from '@helpdeskly/config';
import type { User } from '@helpdeskly/database';
import { EmailOutbox, frontendLink } from '@helpdeskly/mail';
import { AuditService } from '@helpdeskly/audit';
import { toSessionTokensDto } from '../auth/dto/session.dto';
import { PasswordHasher } from '../auth/password-hasher.service';
import { assertPasswordFits, PasswordPolicy } from '../auth/password-policy';
import { RefreshTokensService } from '../auth/sessions/refresh-tokens.service';
import { hashOpaqueToken, newOpaqueToken } from '../auth/opaque-token';
import type { ClientInfo } from '../common/client-info';
import { MembershipsRepository } from '../users/memberships.repository';
import { UsersRepository } from '../users/users.repository';
import type { ChangePasswordDto } from './dto/change-password.dto';
import type { ForgotPasswordAcceptedDto } from './dto/forgot-password.dto';
import type { PasswordChangedDto } from './dto/password-changed.dto';
import type { PasswordResetDto, ResetPasswordDto } from './dto/reset-password.dto';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { PasswordsErrorCode, PasswordsException } from './passwords.errors';

const MINUTE_MS = 60_000;
const FORGOT_ANSWER: ForgotPasswordAcceptedDto = {
  message: 'If an account uses this email, a link to reset its password is on its way.',
};

/**
 * Password change (current password required; every session revoked, new tokens for the caller)
 * and reset by an emailed one-time link (single use, expiring; every session revoked).
 */
@Injectable()
export class PasswordsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PasswordsService.name);
  /** Reset emails being prepared after forgot() answered. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly users: UsersRepository,
    private readonly memberships: MembershipsRepository,
    private readonly resets: PasswordResetTokensRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly sessions: RefreshTokensService,
    private readonly tokens: AccessTokenService,
    private readonly outbox: EmailOutbox,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Every session of the user is revoked, access tokens included (the caller's as well), and the
   * caller gets a new session for the token's tenant: other devices are logged out, this one
   * carries on with the new tokens.
   */
  async change(auth: AuthContext, dto: ChangePasswordDto, client: ClientInfo): Promise<PasswordChangedDto> {
    const [user, membership] = await Promise.all([
      this.users.findById(auth.userId),
      this.memberships.find(auth.userId, auth.tenantId),
    ]);
    if (!user || !membership)
      throw new AuthException(AuthErrorCode.InvalidToken, 'The account or membership of this token no longer exists.');
    assertPasswordFits(dto.currentPassword, 'body.currentPassword');
    assertPasswordFits(dto.newPassword, 'body.newPassword');
    if (!(await this.hasher.verify(dto.currentPassword, user.passwordHash))) {
      await this.record(
        'auth.password.change_failed',
        user.id,
        auth.tenantId,
        client,
        { reason: 'wrong_current_password' },
        false,
      );
      throw new PasswordsException(PasswordsErrorCode.InvalidCurrentPassword, 'The current password is wrong.');
    }
    this.policy.assertAcceptable(dto.newPassword, user, 'body.newPassword');
    await this.users.updatePassword(user.id, await this.hasher.hash(dto.newPassword));
    await this.resets.consumeAllForUser(user.id, new Date());
    const revokedSessions = await this.sessions.revokeAllForUser(user.id, 'password_changed');
    const refresh = await this.sessions.issue(user.id, auth.tenantId, client);
    const access = this.tokens.signAccess({
      userId: user.id,
      tenantId: auth.tenantId,
      role: membership.role,
      isPlatformAdmin: user.isPlatformAdmin,
      sessionId: refresh.familyId,
    });
    await this.record('auth.password.changed', user.id, auth.tenantId, client, { revokedSessions });
    return { ...toSessionTokensDto(access, refresh), revokedSessions };
  }

  /**
   * Answers the same way whether or not the email has an account. The token and the email are
   * made after the answer, so its timing does not tell either; failures are logged.
   */
  async forgot(email: string, client: ClientInfo): Promise<ForgotPasswordAcceptedDto> {
    const user = await this.users.findByEmail(email);
    if (!user) return FORGOT_ANSWER;
    const delivery = this.sendResetLink(user, client).catch((error: unknown) =>
      this.logger.error({ err: error, userId: user.id }, 'the password reset email could not be queued'),
    );
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
    return FORGOT_ANSWER;
  }

  async reset(dto: ResetPasswordDto, client: ClientInfo): Promise<PasswordResetDto> {
    assertPasswordFits(dto.newPassword, 'body.newPassword');
    const token = await this.resets.findByHash(hashOpaqueToken(dto.token));
    if (!token)
      throw new PasswordsException(PasswordsErrorCode.InvalidResetToken, 'This password reset link is not valid.');
    if (token.usedAt)
      throw new PasswordsException(
        PasswordsErrorCode.ResetTokenUsed,
        'This password reset link was already used; ask for a new one.',
      );
    if (token.expiresAt.getTime() <= Date.now())
      throw new PasswordsException(
        PasswordsErrorCode.ResetTokenExpired,
        'This password reset link has expired; ask for a new one.',
      );
    const user = await this.users.findById(token.userId);
    if (!user)
      throw new PasswordsException(PasswordsErrorCode.InvalidResetToken, 'This password reset link is not valid.');
    this.policy.assertAcceptable(dto.newPassword, user, 'body.newPassword');
    const passwordHash = await this.hasher.hash(dto.newPassword);
    const now = new Date();
    // The atomic spend decides between two concurrent uses of one link.
    if (!(await this.resets.consume(token.id, now)))
      throw new PasswordsException(
        PasswordsErrorCode.ResetTokenUsed,
        'This password reset link was already used; ask for a new one.',
      );
    await this.users.updatePassword(user.id, passwordHash);
    await this.resets.consumeAllForUser(user.id, now);
    const revokedSessions = await this.sessions.revokeAllForUser(user.id, 'password_reset');
    await this.record('auth.password.reset', user.id, null, client, { revokedSessions });
    return { revokedSessions };
  }

  /** Lets reset emails being prepared reach the queue before the connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async sendResetLink(user: User, client: ClientInfo): Promise<void> {
    const { token, tokenHash } = newOpaqueToken();
    const expiresAt = new Date(Date.now() + this.config.auth.passwordResetTtlMinutes * MINUTE_MS);
    const row = await this.resets.create({ userId: user.id, tokenHash, expiresAt });
    await this.outbox.enqueue({
      template: 'password-reset',
      key: row.id,
      to: user.email,
      data: {
        name: user.name,
        link: frontendLink(this.config.http.frontendUrl, 'reset-password', { token }),
        expiresAt: expiresAt.toISOString(),
      },
    });
    await this.record('auth.password.reset_requested', user.id, null, client, {
      resetId: row.id,
      expiresAt: expiresAt.toISOString(),
    });
  }

  private record(
    action: string,
    userId: string,
    tenantId: string | null,
    client: ClientInfo,
    metadata: Record<string, unknown>,
    success = true,
  ): Promise<void> {
    return this.audit.record({
      action,
      tenantId,
      actorUserId: userId,
      targetType: 'user',
      targetId: userId,
      success,
      ...client,
      metadata,
    });
  }
}
