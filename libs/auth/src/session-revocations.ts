import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { withTimeout } from '@helpdeskly/async';
import { RedisClient } from '@helpdeskly/redis';
import { AccessTokenService } from './access-token.service';
import type { AuthContext } from './auth-context';
import { AuthErrorCode, AuthException } from './auth.errors';

/** Longest wait for Redis on the request path; past it the database decides. */
export const REVOCATION_REDIS_TIMEOUT_MS = 150;
const redisTimeout = () => new Error(`Redis took over ${REVOCATION_REDIS_TIMEOUT_MS} ms`);
/** Deny-list entries outlive the tokens they deny by this much (clock differences between instances). */
const TTL_MARGIN_SECONDS = 60;

/**
 * The database's answer to "was this session revoked?", asked only when Redis cannot answer. Each
 * app provides it (control-api from its refresh token repository, app-api from the control
 * database); without one, a Redis outage refuses every token (503).
 */
export abstract class RevokedSessionsSource {
  abstract isSessionRevoked(sessionId: string): Promise<boolean>;
}

/**
 * The deny-list of sessions (refresh token families) whose access tokens must stop working before
 * they expire: logout, logout-all, a password change or reset, a member's removal, a reused
 * refresh token. One key per session in the queues' Redis (REDIS_URL: it persists and never
 * evicts, so a revocation is not silently forgotten, unlike in the cache Redis), living as long
 * as an access token can. {@link AccessTokenGuard} asks on every request, after the (cached)
 * signature check, so a remembered verification never outlives a revocation.
 *
 * Redis down: the check asks the database (the refresh token rows, revoked before the deny-list
 * is written); if that fails too the request is refused with 503 (fail closed). Writing a
 * revocation while Redis is down fails with 503 (the refresh tokens are revoked already).
 */
@Injectable()
export class SessionRevocations {
  private readonly logger = new Logger(SessionRevocations.name);
  private readonly ttlSeconds: number;
  private fallback?: RevokedSessionsSource | null;
  private degraded = false;

  constructor(
    private readonly redis: RedisClient,
    tokens: AccessTokenService,
    private readonly moduleRef: ModuleRef,
  ) {
    this.ttlSeconds = tokens.accessTokenTtlSeconds + TTL_MARGIN_SECONDS;
  }

  /** Denies every access token of these sessions until they would have expired; 503 when Redis does not take it. */
  async revoke(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    if (this.redis.status !== 'ready') throw this.unavailable('revoke');
    try {
      const pipeline = this.redis.pipeline();
      for (const id of new Set(sessionIds)) pipeline.set(revokedSessionKey(id), '1', 'EX', this.ttlSeconds);
      const results = (await withTimeout(pipeline.exec(), REVOCATION_REDIS_TIMEOUT_MS, redisTimeout)) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
    } catch (error) {
      this.logger.error(
        { err: error, sessions: sessionIds.length },
        'Session revocations not written to Redis: their access tokens keep working until they expire',
      );
      throw this.unavailable('revoke');
    }
  }

  /** 401 `session_revoked` when the token's session was revoked; 503 when neither Redis nor the database can tell. */
  async assertActive(auth: AuthContext): Promise<void> {
    if (await this.isRevoked(auth.sessionId))
      throw new AuthException(
        AuthErrorCode.SessionRevoked,
        'This session has ended (logout, password change or removal from the tenant); log in again.',
      );
  }

  private async isRevoked(sessionId: string): Promise<boolean> {
    if (this.redis.status === 'ready') {
      try {
        const revoked =
          (await withTimeout(
            this.redis.exists(revokedSessionKey(sessionId)),
            REVOCATION_REDIS_TIMEOUT_MS,
            redisTimeout,
          )) === 1;
        this.answered();
        return revoked;
      } catch (error) {
        this.failed(error);
      }
    } else {
      this.failed(new Error(`Redis connection ${this.redis.status}`));
    }
    const source = this.source();
    if (!source) throw this.unavailable('check');
    try {
      return await source.isSessionRevoked(sessionId);
    } catch (error) {
      this.logger.error(
        { err: error },
        'Neither Redis nor the database could tell whether a session was revoked; refusing the request',
      );
      throw this.unavailable('check');
    }
  }

  private source(): RevokedSessionsSource | null {
    if (this.fallback === undefined) {
      try {
        this.fallback = this.moduleRef.get(RevokedSessionsSource, { strict: false });
      } catch {
        this.fallback = null;
      }
    }
    return this.fallback;
  }

  /** One warning per outage, not one per request. */
  private failed(error: unknown): void {
    if (!this.degraded)
      this.logger.warn({ err: error }, 'Session deny-list unreachable in Redis; the database decides meanwhile');
    this.degraded = true;
  }

  private answered(): void {
    if (this.degraded) this.logger.log('Session deny-list reachable in Redis again');
    this.degraded = false;
  }

  private unavailable(what: 'check' | 'revoke'): AuthException {
    return new AuthException(
      AuthErrorCode.RevocationUnavailable,
      what === 'check'
        ? 'Whether this session is still valid cannot be checked right now; try again shortly.'
        : "The session's refresh tokens are revoked, but its access tokens could not be revoked right now and work until they expire; repeat the request shortly.",
    );
  }
}

/** Redis key of a revoked session (in REDIS_URL). */
export const revokedSessionKey = (sessionId: string) => `auth:revoked-session:${sessionId}`;
