import { createHash } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessTokenService, type AuthContext, SKIP_RATE_LIMIT } from '@helpdeskly/auth';
import { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { PLAN_LIMITS } from './plans';
import { type AccountSource, RATE_LIMIT_POLICY, type RateLimitOptions } from './rate-limit.decorators';
import { RateLimitException } from './rate-limit.errors';
import { rateLimitHeaders } from './rate-limit.headers';
import type { LimitCheck } from './rate-limit.types';
import { RateLimiter } from './rate-limiter.service';
import { TenantLimits } from './tenant-limits.service';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;
const MINUTE = 60;

/** Emails and tokens never become Redis keys as such. */
const digest = (kind: string, value: string) => createHash('sha256').update(`${kind}\n${value}`).digest('hex');

/**
 * The one rate-limit guard of each API, global and after AccessTokenGuard (RateLimitModule is
 * imported after AuthModule), so `request.auth` is the verified caller. Authentication routes
 * (@RateLimit('auth')) are limited per client IP and per account; other authenticated routes per
 * tenant and per user, from the tenant's plan and overrides; other public routes per client IP.
 * Every limited answer carries RateLimit-Policy and RateLimit; a refusal is a 429 problem.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
    private readonly tenantLimits: TenantLimits,
    private readonly tokens: AccessTokenService,
    private readonly metrics: MetricsRegistry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.config.rateLimit.enabled || context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, targets)) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const options = this.reflector.getAllAndOverride<RateLimitOptions | undefined>(RATE_LIMIT_POLICY, targets);
    const checks = options
      ? this.authChecks(request, options.account)
      : request.auth
        ? await this.tenantChecks(request.auth)
        : this.publicChecks(request);

    const decision = await this.limiter.check(checks);
    http.getResponse<FastifyReply>().headers(rateLimitHeaders(decision));
    if (!decision.allowed) {
      this.metrics.rateLimitRefusals.inc({ policy: decision.refusedBy!, limiter: decision.limiter });
      if (!request.auth) this.nameCaller(request);
      throw new RateLimitException(decision.refusedBy!, decision.retryAfterSeconds);
    }
    return true;
  }

  private authChecks(request: FastifyRequest, source: AccountSource): LimitCheck[] {
    const { authPerIp, authPerAccount, authWindowSeconds } = this.config.rateLimit;
    const checks: LimitCheck[] = [
      { policy: 'auth-ip', key: `rl:auth-ip:${request.ip}`, limit: authPerIp, windowSeconds: authWindowSeconds },
    ];
    const account = this.accountOf(request, source);
    if (account)
      checks.push({
        policy: 'auth-account',
        key: `rl:auth-account:${account}`,
        limit: authPerAccount,
        windowSeconds: authWindowSeconds,
      });
    return checks;
  }

  /** Both keys carry the tenant (and one hash tag, so a Redis Cluster keeps them on one slot). */
  private async tenantChecks(auth: AuthContext): Promise<LimitCheck[]> {
    const limits = await this.tenantLimits.of(auth.tenantId);
    return [
      { policy: 'tenant', key: `rl:{${auth.tenantId}}:tenant`, limit: limits.tenantPerMinute, windowSeconds: MINUTE },
      {
        policy: 'user',
        key: `rl:{${auth.tenantId}}:user:${auth.userId}`,
        limit: limits.userPerMinute,
        windowSeconds: MINUTE,
      },
    ];
  }

  /** An anonymous caller gets what one user of the free plan gets. */
  private publicChecks(request: FastifyRequest): LimitCheck[] {
    const limit = Math.max(1, Math.round(PLAN_LIMITS.free.userPerMinute * this.config.rateLimit.planMultiplier));
    return [{ policy: 'public-ip', key: `rl:public-ip:${request.ip}`, limit, windowSeconds: MINUTE }];
  }

  /** Hashed account id, or undefined when the request names none (the per-IP limit still holds). */
  private accountOf(request: FastifyRequest, source: AccountSource): string | undefined {
    if (source === 'user') {
      const userId = request.auth?.userId ?? this.bearerActor(request)?.userId;
      return userId ? digest('user', userId) : undefined;
    }
    const body = (request.body as Record<string, unknown> | undefined)?.[source.body];
    const value = body ?? (source.cookie === undefined ? undefined : request.cookies?.[source.cookie]);
    if (typeof value !== 'string' || value === '') return undefined;
    return digest(source.body, source.lowercase ? value.trim().toLowerCase() : value);
  }

  /**
   * 2FA setup and enable are public for the global guard (they take an enrolment token too), so
   * the user comes from the token itself; an invalid one names no account and is refused later.
   */
  private bearerActor(request: FastifyRequest): { userId: string; tenantId?: string } | undefined {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      return this.tokens.verifyAccess(token);
    } catch {
      try {
        return this.tokens.verifyPurpose(token, '2fa_enrollment');
      } catch {
        return undefined;
      }
    }
  }

  /**
   * A refusal on a public route that takes a token (2FA setup and enable) comes before the route's
   * own guard verified it: the log line of the 429 still names a caller whose token is valid.
   */
  private nameCaller(request: FastifyRequest): void {
    const actor = this.bearerActor(request);
    if (actor) request.logContext = { ...request.logContext, tenantId: actor.tenantId, userId: actor.userId };
  }
}
