import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessTokenService, AuthErrorCode, AuthException, SessionRevocations } from '@helpdeskly/auth';
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
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly revocations: SessionRevocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    if (!header)
      throw new AuthException(
        AuthErrorCode.MissingToken,
        'Send an access token or an enrolment token: Authorization: Bearer <token>.',
      );
    const match = BEARER.exec(header);
    if (!match)
      throw new AuthException(AuthErrorCode.InvalidToken, 'The Authorization header must be "Bearer <token>".');
    request.twoFactorActor = await this.actorOf(match[1]);
    request.logContext = {
      ...request.logContext,
      tenantId: request.twoFactorActor.tenantId,
      userId: request.twoFactorActor.userId,
    };
    return true;
  }

  private async actorOf(token: string): Promise<TwoFactorActor> {
    let auth;
    try {
      auth = this.tokens.verifyAccess(token);
    } catch (accessError) {
      try {
        const enrollment = this.tokens.verifyPurpose(token, '2fa_enrollment');
        return { userId: enrollment.userId, tenantId: enrollment.tenantId };
      } catch {
        throw accessError;
      }
    }
    // As AccessTokenGuard does: an access token of an ended session is refused.
    await this.revocations.assertActive(auth);
    return { userId: auth.userId, tenantId: auth.tenantId };
  }
}

/** The caller of a 2FA route: from the access token, or from the enrolment token on setup and enable. */
export const CurrentTwoFactorActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): TwoFactorActor => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const actor =
    request.twoFactorActor ??
    (request.auth ? { userId: request.auth.userId, tenantId: request.auth.tenantId } : undefined);
  if (!actor) throw new Error('CurrentTwoFactorActor used on a route without authentication');
  return actor;
});
