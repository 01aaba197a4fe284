import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import type { RefreshToken } from '@helpdeskly/database';
import { AuditService } from '../../audit/audit.service';
import { AuthenticationErrorCode, AuthenticationException } from '../auth.errors';
import { hashOpaqueToken, newOpaqueToken } from '../opaque-token';
import { type NewRefreshToken, RefreshTokensRepository } from './refresh-tokens.repository';

export interface ClientInfo {
  readonly ip?: string | null;
  readonly userAgent?: string | null;
}

export interface IssuedRefreshToken {
  /** The opaque token, shown to the client once; only its SHA-256 is stored. */
  readonly token: string;
  readonly expiresAt: Date;
  readonly familyId: string;
}

export interface RotatedRefreshToken extends IssuedRefreshToken {
  readonly userId: string;
  readonly tenantId: string;
}

const DAY_MS = 86_400_000;

/**
 * Opaque refresh tokens (32 random bytes, base64url), one use each. Every refresh rotates within
 * the token's family; presenting a token that was already used means it leaked (the thief or the
 * victim holds a stale copy), so the whole family is revoked (RFC 9700, section 4.14.2).
 */
@Injectable()
export class RefreshTokensService {
  constructor(
    private readonly tokens: RefreshTokensRepository,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** A new token; a new family unless `familyId` continues one. */
  async issue(userId: string, tenantId: string, options: { familyId?: string; parentId?: string } & ClientInfo): Promise<IssuedRefreshToken> {
    const { token, row } = this.newToken(userId, tenantId, options.familyId ?? randomUUID(), options.parentId ?? null, options);
    await this.tokens.create(row);
    return { token, expiresAt: row.expiresAt, familyId: row.familyId };
  }

  /** Spends `token` and returns its replacement; 401 when unknown, expired, revoked or reused. */
  async rotate(token: string, client: ClientInfo): Promise<RotatedRefreshToken> {
    const current = await this.tokens.findByHash(hashOpaqueToken(token));
    if (!current) throw new AuthenticationException(AuthenticationErrorCode.InvalidRefreshToken, 'The refresh token is not valid.');
    if (current.usedAt) return this.reused(current, client);
    if (current.revokedAt) throw new AuthenticationException(AuthenticationErrorCode.InvalidRefreshToken, 'The refresh token has been revoked.');
    if (current.expiresAt.getTime() <= Date.now()) throw new AuthenticationException(AuthenticationErrorCode.InvalidRefreshToken, 'The refresh token has expired.');

    const next = this.newToken(current.userId, current.tenantId, current.familyId, current.id, client);
    // A concurrent rotation of the same token won: this presentation is a reuse.
    if (!(await this.tokens.rotate(current.id, next.row))) return this.reused(current, client);
    return { token: next.token, expiresAt: next.row.expiresAt, familyId: current.familyId, userId: current.userId, tenantId: current.tenantId };
  }

  /** The family of `token`, if it is one of ours (logout); null otherwise. */
  async familyOf(token: string): Promise<Pick<RefreshToken, 'familyId' | 'userId' | 'tenantId'> | null> {
    const row = await this.tokens.findByHash(hashOpaqueToken(token));
    return row ? { familyId: row.familyId, userId: row.userId, tenantId: row.tenantId } : null;
  }

  revokeFamily(familyId: string, reason: string): Promise<number> {
    return this.tokens.revokeFamily(familyId, reason);
  }

  /** Revokes every session of the user (but `exceptFamilyId`'s); returns how many families. */
  revokeAllForUser(userId: string, reason: string, exceptFamilyId?: string): Promise<number> {
    return this.tokens.revokeAllForUser(userId, reason, exceptFamilyId);
  }

  private async reused(token: RefreshToken, client: ClientInfo): Promise<never> {
    const revoked = await this.tokens.revokeFamily(token.familyId, 'reuse_detected');
    await this.audit.record({
      action: 'auth.refresh.reuse_detected',
      tenantId: token.tenantId,
      actorUserId: token.userId,
      targetType: 'refresh_token_family',
      targetId: token.familyId,
      success: false,
      ip: client.ip,
      userAgent: client.userAgent,
      metadata: { tokenId: token.id, revokedTokens: revoked },
    });
    throw new AuthenticationException(AuthenticationErrorCode.RefreshTokenReused, 'This refresh token was already used; every session of its family has been revoked. Log in again.');
  }

  private newToken(userId: string, tenantId: string, familyId: string, parentId: string | null, client: ClientInfo): { token: string; row: NewRefreshToken } {
    const { token, tokenHash } = newOpaqueToken();
    return {
      token,
      row: {
        id: randomUUID(),
        userId,
        tenantId,
        familyId,
        parentId,
        tokenHash,
        expiresAt: new Date(Date.now() + this.config.auth.refreshTokenDays * DAY_MS),
        ip: client.ip ?? null,
        userAgent: client.userAgent?.slice(0, 512) ?? null,
      },
    };
  }
}
