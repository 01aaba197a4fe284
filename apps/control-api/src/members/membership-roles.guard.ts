import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthErrorCode, AuthException, type MembershipRoleName, REQUIRED_ROLES } from '@helpdeskly/auth';
import { MembershipsRepository } from '../users/memberships.repository';
import { MembersErrorCode, MembersException } from './members.errors';

/**
 * Global, after the access-token guard: the one check of @Roles() in control-api, against the
 * caller's membership as the control database has it now, not the token's role (which may
 * predate a promotion or a demotion).
 */
@Injectable()
export class MembershipRolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly memberships: MembershipsRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<MembershipRoleName[] | undefined>(REQUIRED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles) return true;
    // Set by the access-token guard, which has already refused a request without a valid token.
    const { auth } = context.switchToHttp().getRequest<FastifyRequest>();
    if (!auth)
      throw new AuthException(AuthErrorCode.MissingToken, 'Send an access token: Authorization: Bearer <token>.');
    const membership = await this.memberships.find(auth.userId, auth.tenantId);
    if (!membership)
      throw new MembersException(MembersErrorCode.NotAMember, 'You are no longer a member of this tenant.');
    if (!roles.includes(membership.role))
      throw new AuthException(AuthErrorCode.InsufficientRole, `This needs one of the roles ${roles.join(', ')}.`);
    return true;
  }
}
