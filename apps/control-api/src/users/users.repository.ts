import { Injectable } from '@nestjs/common';
import { ControlDatabase, isUniqueViolation, type User } from '@helpdeskly/database';

/** Emails are stored and looked up lower-cased, so uniqueness ignores case. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** User rows of the control database. No business rules: callers decide, this reads and writes. */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: ControlDatabase) {}

  findById(id: string): Promise<User | null> {
    return this.db.user.findUnique({ where: { id } });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.db.user.findUnique({ where: { email: normalizeEmail(email) } });
  }

  /** The new user, or null when the email is already registered (whatever its case). */
  async create(data: {
    email: string;
    name: string;
    passwordHash: string;
    isPlatformAdmin?: boolean;
  }): Promise<User | null> {
    try {
      return await this.db.user.create({ data: { ...data, email: normalizeEmail(data.email) } });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    await this.db.user.deleteMany({ where: { id } });
  }

  /** Sets a new password hash; clears any lockout (a reset proves control of the account). */
  updatePassword(id: string, passwordHash: string): Promise<User> {
    return this.db.user.update({
      where: { id },
      data: { passwordHash, passwordChangedAt: new Date(), failedLoginCount: 0, lockedUntil: null },
    });
  }

  /** Adds one failed attempt atomically and returns the new count. */
  async incrementFailedLogins(id: string): Promise<number> {
    const user = await this.db.user.update({
      where: { id },
      data: { failedLoginCount: { increment: 1 } },
      select: { failedLoginCount: true },
    });
    return user.failedLoginCount;
  }

  async lockUntil(id: string, until: Date): Promise<void> {
    await this.db.user.update({ where: { id }, data: { lockedUntil: until } });
  }

  /** After a successful login: the failure counter restarts and the lock is lifted. */
  async recordSuccessfulLogin(id: string): Promise<void> {
    await this.db.user.update({
      where: { id },
      data: { failedLoginCount: 0, lockedUntil: null, lastLoginAt: new Date() },
    });
  }

  async setPlatformAdmin(id: string, isPlatformAdmin: boolean): Promise<User> {
    return this.db.user.update({ where: { id }, data: { isPlatformAdmin } });
  }

  /** Stores a new, not yet enabled TOTP secret (sealed by the caller). */
  async setPendingTotpSecret(id: string, totpSecretEnc: string): Promise<void> {
    await this.db.user.update({ where: { id }, data: { totpSecretEnc, totpEnabledAt: null } });
  }

  /** Enables 2FA only if the same secret is still the pending one; false when it changed meanwhile. */
  async enableTotp(id: string, totpSecretEnc: string, recoveryCodeHashes: readonly string[]): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.user.updateMany({
        where: { id, totpSecretEnc, totpEnabledAt: null },
        data: { totpEnabledAt: new Date() },
      });
      if (count === 0) return false;
      await tx.recoveryCode.deleteMany({ where: { userId: id } });
      await tx.recoveryCode.createMany({ data: recoveryCodeHashes.map((codeHash) => ({ userId: id, codeHash })) });
      return true;
    });
  }

  /** Turns 2FA off: the secret and every recovery code are deleted. */
  async disableTotp(id: string): Promise<void> {
    await this.db.$transaction([
      this.db.recoveryCode.deleteMany({ where: { userId: id } }),
      this.db.user.update({ where: { id }, data: { totpSecretEnc: null, totpEnabledAt: null } }),
    ]);
  }

  /** Replaces every recovery code of the user. */
  async replaceRecoveryCodes(id: string, recoveryCodeHashes: readonly string[]): Promise<void> {
    await this.db.$transaction([
      this.db.recoveryCode.deleteMany({ where: { userId: id } }),
      this.db.recoveryCode.createMany({ data: recoveryCodeHashes.map((codeHash) => ({ userId: id, codeHash })) }),
    ]);
  }

  /** Spends an unused recovery code; false when it does not exist or was already used. */
  async useRecoveryCode(id: string, codeHash: string): Promise<boolean> {
    const { count } = await this.db.recoveryCode.updateMany({
      where: { userId: id, codeHash, usedAt: null },
      data: { usedAt: new Date() },
    });
    return count === 1;
  }

  countUnusedRecoveryCodes(id: string): Promise<number> {
    return this.db.recoveryCode.count({ where: { userId: id, usedAt: null } });
  }
}
