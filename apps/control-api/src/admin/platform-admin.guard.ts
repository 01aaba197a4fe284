import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthErrorCode, AuthException, PLATFORM_ADMIN_ONLY } from '@helpdeskly/auth';
import { PlatformAdminCheck } from './platform-admin.check';

/**
 * Global, after the access-token guard: every route marked @PlatformAdmin(), whatever its
 * controller, passes PlatformAdminCheck (admin in the database, TOTP enabled) before it runs.
 */
@Injectable()
export class PlatformAdminGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly check: PlatformAdminCheck,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.reflector.getAllAndOverride<boolean>(PLATFORM_ADMIN_ONLY, [context.getHandler(), context.getClass()]))
      return true;
    // Set by the access-token guard, which has already refused a request without a valid token.
    const { auth } = context.switchToHttp().getRequest<FastifyRequest>();
    if (!auth)
      throw new AuthException(AuthErrorCode.MissingToken, 'Send an access token: Authorization: Bearer <token>.');
    await this.check.assert(auth);
    return true;
  }
}
