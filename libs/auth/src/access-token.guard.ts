import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AccessTokenService } from './access-token.service';
import { SessionRevocations } from './session-revocations';
import { PLATFORM_ADMIN_ONLY, PUBLIC_ROUTE } from './auth.decorators';
import { AuthErrorCode, AuthException } from './auth.errors';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/**
 * Deny by default: installed as each API's global guard, it lets a request through only with a
 * valid access token (or on a @Public() route) whose session was not revoked, puts the caller on
 * the request once, and checks @PlatformAdmin(). Not @Roles(): the token's role may predate a
 * promotion or a demotion, so each API checks them once against the current membership.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly revocations: SessionRevocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    if (!header)
      throw new AuthException(AuthErrorCode.MissingToken, 'Send an access token: Authorization: Bearer <token>.');
    const match = BEARER.exec(header);
    if (!match)
      throw new AuthException(AuthErrorCode.InvalidToken, 'The Authorization header must be "Bearer <token>".');

    const auth = this.tokens.verifyAccess(match[1]);
    // Every request, remembered verification or not: a logout must end the token at once.
    await this.revocations.assertActive(auth);
    request.auth = auth;
    request.logContext = { ...request.logContext, tenantId: auth.tenantId, userId: auth.userId };

    if (this.reflector.getAllAndOverride<boolean>(PLATFORM_ADMIN_ONLY, targets) && !auth.isPlatformAdmin) {
      throw new AuthException(AuthErrorCode.InsufficientRole, 'This needs a platform administrator.');
    }
    return true;
  }
}
