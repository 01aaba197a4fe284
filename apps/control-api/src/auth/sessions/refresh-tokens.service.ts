import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AccessTokenService, SessionRevocations } from '@helpdeskly/auth';
import { AppConfig } from '@helpdeskly/config';
import type { RefreshToken } from '@helpdeskly/database';
import { AuditService } from '@helpdeskly/audit';
import type { ClientInfo } from '../../common/client-info';
import { AuthenticationErrorCode, AuthenticationException } from '../auth.errors';
import { hashOpaqueToken, newOpaqueToken } from '../opaque-token';
import { type NewRefreshToken, RefreshTokensRepository } from './refresh-tokens.repository';

export interface IssuedRefreshToken {
  /** The opaque token, shown to the client once; only its SHA-256 is stored. */
  readonly token: string;
  /** When it stops working unless refreshed first: the session's end, or sooner by the idle timeout. */
  readonly expiresAt: Date;
  readonly familyId: string;
}

export interface RotatedRefreshToken extends IssuedRefreshToken {
  readonly userId: string;
  readonly tenantId: string;
}

const DAY_MS = 86_400_000;
/** Revocations younger than this may have live access tokens (their lifetime and the deny-list's margin). */
const DENY_WINDOW_MARGIN_MS = 60_000;

/**
 * Opaque refresh tokens (32 random bytes, base64url), one use each. Every refresh rotates within
 * the token's family (the session); presenting a token that was already used means it leaked (the
 * thief or the victim holds a stale copy), so the whole family is revoked (RFC 9700, section
 * 4.14.2).
 *
 * A session ends REFRESH_TOKEN_DAYS after its login however often it is refreshed (RFC 9700,
 * section 4.14.2: absolute expiry): each row's `expires_at` is the session's end, which rotation
 * copies to the new row. With REFRESH_TOKEN_IDLE_DAYS set, a token not refreshed that many days
 * after its issue (`created_at`) is refused too.
 *
 * Revoking a session revokes its rows first, then denies its access tokens (the deny-list in
 * Redis, {@link SessionRevocations}); when Redis cannot take that, a 503 says the access tokens
 * live on until they expire, and repeating the request denies them.
 */
@Injectable()
export class RefreshTokensService {
  private readonly logger = new Logger(RefreshTokensService.name);
  private readonly denyWindowMs: number;

  constructor(
    private readonly tokens: RefreshTokensRepository,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly revocations: SessionRevocations,
    accessTokens: AccessTokenService,
  ) {
    this.denyWindowMs = accessTokens.accessTokenTtlSeconds * 1000 + DENY_WINDOW_MARGIN_MS;
  }

  /** A new session (family), ending REFRESH_TOKEN_DAYS from now. */
  async issue(userId: string, tenantId: string, client: ClientInfo): Promise<IssuedRefreshToken> {
    const now = Date.now();
    const { token, row } = this.newToken(
      userId,
      tenantId,
      randomUUID(),
      null,
      new Date(now + this.config.auth.refreshTokenDays * DAY_MS),
      client,
    );
    await this.tokens.create(row);
    return { token, expiresAt: this.effectiveExpiry(row.expiresAt, now), familyId: row.familyId };
  }

  /** Spends `token` and returns its replacement; 401 when unknown, expired, revoked or reused. */
  async rotate(token: string, client: ClientInfo): Promise<RotatedRefreshToken> {
    const current = await this.tokens.findByHash(hashOpaqueToken(token));
    if (!current)
      throw new AuthenticationException(AuthenticationErrorCode.InvalidRefreshToken, 'The refresh token is not valid.');
    if (current.usedAt) return this.reused(current, client);
    if (current.revokedAt)
      throw new AuthenticationException(
        AuthenticationErrorCode.InvalidRefreshToken,
        'The refresh token has been revoked.',
      );
    const now = Date.now();
    if (current.expiresAt.getTime() <= now)
      throw new AuthenticationException(
        AuthenticationErrorCode.InvalidRefreshToken,
        'The session has reached its maximum lifetime; log in again.',
      );
    const idleDays = this.config.auth.refreshTokenIdleDays;
    if (idleDays > 0 && current.createdAt.getTime() + idleDays * DAY_MS <= now) {
      throw new AuthenticationException(
        AuthenticationErrorCode.InvalidRefreshToken,
        `The session was not used for ${idleDays} day(s) and has ended; log in again.`,
      );
    }

    // The session's end is the login's: rotation never extends it.
    const next = this.newToken(
      current.userId,
      current.tenantId,
      current.familyId,
      current.id,
      current.expiresAt,
      client,
    );
    // A concurrent rotation of the same token won: this presentation is a reuse.
    if (!(await this.tokens.rotate(current.id, next.row))) return this.reused(current, client);
    return {
      token: next.token,
      expiresAt: this.effectiveExpiry(current.expiresAt, now),
      familyId: current.familyId,
      userId: current.userId,
      tenantId: current.tenantId,
    };
  }

  /** The family of `token`, if it is one of ours (logout); null otherwise. */
  async familyOf(token: string): Promise<Pick<RefreshToken, 'familyId' | 'userId' | 'tenantId'> | null> {
    const row = await this.tokens.findByHash(hashOpaqueToken(token));
    return row ? { familyId: row.familyId, userId: row.userId, tenantId: row.tenantId } : null;
  }

  /**
   * Ends the session: its refresh tokens, then its access tokens (503 when the deny-list cannot
   * be written; repeating denies them). `bestEffort`: a failure to deny is only logged, for callers
   * that must give their own answer.
   */
  async revokeFamily(familyId: string, reason: string, options: { bestEffort?: boolean } = {}): Promise<number> {
    const revoked = await this.tokens.revokeFamily(familyId, reason);
    await this.deny([familyId], options.bestEffort ?? false);
    return revoked;
  }

  /** Ends every session of the user (but `exceptFamilyId`'s), access tokens included; returns how many families. */
  async revokeAllForUser(userId: string, reason: string, exceptFamilyId?: string): Promise<number> {
    const revoked = await this.tokens.revokeAllForUser(userId, reason, exceptFamilyId);
    await this.denyRecentlyRevoked(userId);
    return revoked;
  }

  /**
   * Denies the access tokens of every session of the user (in one tenant, when given) revoked
   * recently enough for them to be alive, for revocations written elsewhere (removal from a tenant).
   */
  async denyRecentlyRevoked(userId: string, tenantId?: string): Promise<void> {
    await this.deny(
      await this.tokens.familiesRevokedSince(userId, new Date(Date.now() - this.denyWindowMs), tenantId),
      false,
    );
  }

  private async deny(familyIds: readonly string[], bestEffort: boolean): Promise<void> {
    try {
      await this.revocations.revoke(familyIds);
    } catch (error) {
      if (!bestEffort) throw error;
      this.logger.error(
        { err: error, families: familyIds },
        'Revoked sessions not denied: their access tokens work until they expire',
      );
    }
  }

  /** The session's end, or sooner when the idle timeout would end it first. */
  private effectiveExpiry(sessionEnd: Date, now: number): Date {
    const idleDays = this.config.auth.refreshTokenIdleDays;
    return idleDays > 0 ? new Date(Math.min(sessionEnd.getTime(), now + idleDays * DAY_MS)) : sessionEnd;
  }

  private async reused(token: RefreshToken, client: ClientInfo): Promise<never> {
    const revoked = await this.tokens.revokeFamily(token.familyId, 'reuse_detected');
    // The answer is the 401 below whatever Redis says: the thief's access token is denied if it can be.
    await this.deny([token.familyId], true);
    await this.audit.record({
      action: 'auth.refresh.reuse_detected',
      tenantId: token.tenantId,
      actorUserId: token.userId,
      targetType: 'refresh_token_family',
      targetId: token.familyId,
      success: false,
      ...client,
      metadata: { tokenId: token.id, revokedTokens: revoked },
    });
    throw new AuthenticationException(
      AuthenticationErrorCode.RefreshTokenReused,
      'This refresh token was already used; every session of its family has been revoked. Log in again.',
    );
  }

  private newToken(
    userId: string,
    tenantId: string,
    familyId: string,
    parentId: string | null,
    expiresAt: Date,
    client: ClientInfo,
  ): { token: string; row: NewRefreshToken } {
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
        expiresAt,
        ip: client.ip ?? null,
        userAgent: client.userAgent?.slice(0, 512) ?? null,
      },
    };
  }
}
