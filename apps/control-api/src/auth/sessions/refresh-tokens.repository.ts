import { Injectable } from '@nestjs/common';
import type { RevokedSessionsSource } from '@helpdeskly/auth';
import { ControlDatabase, isUuid, type RefreshToken } from '@helpdeskly/database';

export interface NewRefreshToken {
  readonly id: string;
  readonly userId: string;
  readonly tenantId: string;
  readonly familyId: string;
  readonly tokenHash: string;
  readonly parentId?: string | null;
  readonly expiresAt: Date;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
}

/** Refresh token rows (hashes only, never the token itself). */
@Injectable()
export class RefreshTokensRepository implements RevokedSessionsSource {
  constructor(private readonly db: ControlDatabase) {}

  findByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.db.refreshToken.findUnique({ where: { tokenHash } });
  }

  async create(token: NewRefreshToken): Promise<RefreshToken> {
    return this.db.refreshToken.create({ data: token });
  }

  /**
   * Marks `oldId` used and replaced by `next`, and stores `next`, in one transaction. Only one of
   * two concurrent rotations of the same token wins: false for the other (and for a token already
   * used or revoked), with nothing written.
   */
  async rotate(oldId: string, next: NewRefreshToken): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.refreshToken.updateMany({
        where: { id: oldId, usedAt: null, revokedAt: null },
        data: { usedAt: new Date(), replacedById: next.id },
      });
      if (count === 0) return false;
      await tx.refreshToken.create({ data: next });
      return true;
    });
  }

  /** Revokes every not yet revoked token of the family; returns how many were revoked. */
  async revokeFamily(familyId: string, reason: string): Promise<number> {
    const { count } = await this.db.refreshToken.updateMany({
      where: { familyId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    return count;
  }

  /** Revokes every family of the user that still has a live token, except one; returns how many families. */
  async revokeAllForUser(userId: string, reason: string, exceptFamilyId?: string): Promise<number> {
    return this.db.$transaction(async (tx) => {
      const where = { userId, revokedAt: null, ...(exceptFamilyId ? { familyId: { not: exceptFamilyId } } : {}) };
      const families = await tx.refreshToken.findMany({ where, distinct: ['familyId'], select: { familyId: true } });
      if (families.length === 0) return 0;
      await tx.refreshToken.updateMany({ where, data: { revokedAt: new Date(), revokedReason: reason } });
      return families.length;
    });
  }

  /** Whether the family (session) was revoked: the deny-list's answer while Redis is down. */
  async isSessionRevoked(familyId: string): Promise<boolean> {
    if (!isUuid(familyId)) return false;
    return (
      (await this.db.refreshToken.findFirst({
        where: { familyId, revokedAt: { not: null } },
        select: { id: true },
      })) !== null
    );
  }

  /**
   * Families of the user (in one tenant, when given) revoked at or after `since`: the sessions
   * whose access tokens may still be alive. Asked after revoking, so a repeated request denies them again.
   */
  async familiesRevokedSince(userId: string, since: Date, tenantId?: string): Promise<string[]> {
    const rows = await this.db.refreshToken.findMany({
      where: { userId, ...(tenantId ? { tenantId } : {}), revokedAt: { gte: since } },
      distinct: ['familyId'],
      select: { familyId: true },
    });
    return rows.map((row) => row.familyId);
  }
}
