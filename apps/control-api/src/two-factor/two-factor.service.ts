import { Injectable } from '@nestjs/common';
import { AuthErrorCode, AuthException } from '@helpdeskly/auth';
import { SecretBox, type User } from '@helpdeskly/database';
import { AuditService } from '@helpdeskly/audit';
import { PasswordHasher } from '../auth/password-hasher.service';
import type { ClientInfo } from '../common/client-info';
import { UsersRepository } from '../users/users.repository';
import { generateRecoveryCodes, hashRecoveryCode } from './recovery-codes';
import { TotpService } from './totp.service';
import { TwoFactorErrorCode, TwoFactorException } from './two-factor.errors';

/** Who manages their 2FA: a signed-in user, or one holding an enrolment token. */
export interface TwoFactorActor {
  readonly userId: string;
  readonly tenantId?: string;
}

export type SecondFactorMethod = 'totp' | 'recovery_code';

/** Enrolment in TOTP 2FA, its recovery codes, and checking a second factor at login. */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly users: UsersRepository,
    private readonly totp: TotpService,
    private readonly box: SecretBox,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
  ) {}

  /** A new secret, pending until enabled. The only answer that ever contains it. */
  async setup(actor: TwoFactorActor, client: ClientInfo) {
    const user = await this.user(actor);
    if (user.totpEnabledAt)
      throw new TwoFactorException(
        TwoFactorErrorCode.AlreadyEnabled,
        'Two-factor authentication is already on; disable it first to start again.',
      );
    const secret = this.totp.generateSecret();
    await this.users.setPendingTotpSecret(user.id, this.box.seal(secret));
    const otpauthUrl = this.totp.otpauthUrl(user.email, secret);
    await this.record('auth.2fa.setup_started', actor, client);
    return { secret, otpauthUrl, qrCodeDataUrl: await this.totp.qrCodeDataUrl(otpauthUrl) };
  }

  /** Turns 2FA on after a valid code of the pending secret; returns ten recovery codes, once. */
  async enable(actor: TwoFactorActor, code: string, client: ClientInfo) {
    const user = await this.user(actor);
    if (user.totpEnabledAt)
      throw new TwoFactorException(TwoFactorErrorCode.AlreadyEnabled, 'Two-factor authentication is already on.');
    if (!user.totpSecretEnc)
      throw new TwoFactorException(TwoFactorErrorCode.NotPending, 'Call POST /v1/auth/2fa/setup first.');
    if (!(await this.totp.verify(user.id, this.box.open(user.totpSecretEnc), code))) {
      await this.record('auth.2fa.enable_failed', actor, client, false);
      throw new TwoFactorException(TwoFactorErrorCode.WrongCode, 'The code does not match the authenticator app.');
    }
    const recoveryCodes = generateRecoveryCodes();
    if (!(await this.users.enableTotp(user.id, user.totpSecretEnc, recoveryCodes.map(hashRecoveryCode)))) {
      throw new TwoFactorException(
        TwoFactorErrorCode.NotPending,
        'The setup changed meanwhile; scan the new secret and try again.',
      );
    }
    await this.record('auth.2fa.enabled', actor, client);
    return { recoveryCodes };
  }

  /** Turns 2FA off with the password and a current code; the recovery codes are deleted. */
  async disable(actor: TwoFactorActor, password: string, code: string, client: ClientInfo): Promise<void> {
    const user = await this.enabledUser(actor);
    if (!(await this.hasher.verify(password, user.passwordHash))) {
      await this.record('auth.2fa.disable_failed', actor, client, false, { reason: 'wrong_password' });
      throw new TwoFactorException(TwoFactorErrorCode.WrongPassword, 'The password is wrong.');
    }
    await this.assertCode(user, actor, code, client, 'auth.2fa.disable_failed');
    await this.users.disableTotp(user.id);
    await this.record('auth.2fa.disabled', actor, client);
  }

  /** Ten new recovery codes replacing the old ones, after a current code. */
  async regenerateRecoveryCodes(actor: TwoFactorActor, code: string, client: ClientInfo) {
    const user = await this.enabledUser(actor);
    await this.assertCode(user, actor, code, client, 'auth.2fa.recovery_codes_failed');
    const recoveryCodes = generateRecoveryCodes();
    await this.users.replaceRecoveryCodes(user.id, recoveryCodes.map(hashRecoveryCode));
    await this.record('auth.2fa.recovery_codes_regenerated', actor, client);
    return { recoveryCodes };
  }

  /** Checks a login's second factor; a recovery code is spent. Null when it does not verify. */
  async verifySecondFactor(
    user: User,
    proof: { code?: string; recoveryCode?: string },
  ): Promise<SecondFactorMethod | null> {
    if (!user.totpEnabledAt || !user.totpSecretEnc) return null;
    if (proof.code !== undefined)
      return (await this.totp.verify(user.id, this.box.open(user.totpSecretEnc), proof.code)) ? 'totp' : null;
    if (proof.recoveryCode !== undefined)
      return (await this.users.useRecoveryCode(user.id, hashRecoveryCode(proof.recoveryCode))) ? 'recovery_code' : null;
    return null;
  }

  private async assertCode(
    user: User,
    actor: TwoFactorActor,
    code: string,
    client: ClientInfo,
    failedAction: string,
  ): Promise<void> {
    if (await this.verifySecondFactor(user, { code })) return;
    await this.record(failedAction, actor, client, false, { reason: 'wrong_code' });
    throw new TwoFactorException(TwoFactorErrorCode.WrongCode, 'The code does not match the authenticator app.');
  }

  private async user(actor: TwoFactorActor): Promise<User> {
    const user = await this.users.findById(actor.userId);
    if (!user) throw new AuthException(AuthErrorCode.InvalidToken, 'The user of this token no longer exists.');
    return user;
  }

  private async enabledUser(actor: TwoFactorActor): Promise<User> {
    const user = await this.user(actor);
    if (!user.totpEnabledAt)
      throw new TwoFactorException(TwoFactorErrorCode.NotEnabled, 'Two-factor authentication is not on.');
    return user;
  }

  private record(
    action: string,
    actor: TwoFactorActor,
    client: ClientInfo,
    success = true,
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      action,
      tenantId: actor.tenantId ?? null,
      actorUserId: actor.userId,
      targetType: 'user',
      targetId: actor.userId,
      success,
      ...client,
      metadata,
    });
  }
}
