import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessTokenService, AuthErrorCode, AuthException } from '@helpdeskly/auth';
import type { TwoFactorActor } from './two-factor.service';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

declare module 'fastify' {
  interface FastifyRequest {
    twoFactorActor?: TwoFactorActor;
  }
}

/**
 * For 2FA setup and enable only (routes marked @Public() for the global guard): accepts an access
 * token, or the enrolment token that login hands to an OWNER or ADMIN of a tenant requiring 2FA,
 * who cannot get an access token before enrolling.
 */
@Injectable()
export class TwoFactorActorGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokenService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    if (!header) throw new AuthException(AuthErrorCode.MissingToken, 'Send an access token or an enrolment token: Authorization: Bearer <token>.');
    const match = BEARER.exec(header);
    if (!match) throw new AuthException(AuthErrorCode.InvalidToken, 'The Authorization header must be "Bearer <token>".');
    request.twoFactorActor = this.actorOf(match[1]);
    request.logContext = { ...request.logContext, tenantId: request.twoFactorActor.tenantId, userId: request.twoFactorActor.userId };
    return true;
  }

  private actorOf(token: string): TwoFactorActor {
    try {
      const auth = this.tokens.verifyAccess(token);
      return { userId: auth.userId, tenantId: auth.tenantId };
    } catch (accessError) {
      try {
        const enrollment = this.tokens.verifyPurpose(token, '2fa_enrollment');
        return { userId: enrollment.userId, tenantId: enrollment.tenantId };
      } catch {
        throw accessError;
      }
    }
  }
}

/** The caller of a 2FA route: from the access token, or from the enrolment token on setup and enable. */
export const CurrentTwoFactorActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): TwoFactorActor => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const actor = request.twoFactorActor ?? (request.auth ? { userId: request.auth.userId, tenantId: request.auth.tenantId } : undefined);
  if (!actor) throw new Error('CurrentTwoFactorActor used on a route without authentication');
  return actor;
});
