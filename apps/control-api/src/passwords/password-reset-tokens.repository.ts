import { Injectable } from '@nestjs/common';
import { ControlDatabase, type PasswordResetToken } from '@helpdeskly/database';

/** One-time password reset tokens (their SHA-256 only). */
@Injectable()
export class PasswordResetTokensRepository {
  constructor(private readonly db: ControlDatabase) {}

  create(data: { userId: string; tokenHash: string; expiresAt: Date }): Promise<PasswordResetToken> {
    return this.db.passwordResetToken.create({ data });
  }

  findByHash(tokenHash: string): Promise<PasswordResetToken | null> {
    return this.db.passwordResetToken.findUnique({ where: { tokenHash } });
  }

  /** Spends the token if it is still unused and unexpired; false for the loser of two concurrent uses. */
  async consume(id: string, now: Date): Promise<boolean> {
    const { count } = await this.db.passwordResetToken.updateMany({
      where: { id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    return count === 1;
  }

  /** Spends every outstanding token of the user (after a reset or a change, older links must stop working). */
  async consumeAllForUser(userId: string, now: Date): Promise<void> {
    await this.db.passwordResetToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
  }
}
