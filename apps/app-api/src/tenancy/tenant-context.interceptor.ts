import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Observable, type Subscription } from 'rxjs';
import { AuthErrorCode, AuthException, type MembershipRoleName, PUBLIC_ROUTE, REQUIRED_ROLES } from '@helpdeskly/auth';
import {
  TenancyErrorCode,
  TenancyException,
  TenantClientRegistry,
  type TenantClientLease,
  TenantScopeStorage,
} from '@helpdeskly/tenant-data';
import { TenantResolver } from './tenant.resolver';

/**
 * Resolves the request's tenant after every guard (so after AccessTokenGuard verified the
 * token), puts it on the request, leases the tenant's client and runs the handler inside
 * AsyncLocalStorage; the lease is released when the response completes, errors or is aborted.
 * It is the one check of @Roles() in app-api, against the current membership (the token's role
 * may predate a promotion or a demotion). An interceptor, not a guard: only it wraps the handler,
 * so the storage covers all its work.
 */
@Injectable()
export class TenantContextInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: TenantResolver,
    private readonly registry: TenantClientRegistry,
    private readonly scopes: TenantScopeStorage,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const targets = [context.getHandler(), context.getClass()];
    if (context.getType() !== 'http' || this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets))
      return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const auth = request.auth;
    if (!auth)
      throw new AuthException(AuthErrorCode.MissingToken, 'Send an access token: Authorization: Bearer <token>.');
    const roles = this.reflector.getAllAndOverride<MembershipRoleName[] | undefined>(REQUIRED_ROLES, targets);

    return new Observable((subscriber) => {
      let lease: TenantClientLease | undefined;
      let inner: Subscription | undefined;
      let finished = false;
      const release = () => {
        finished = true;
        inner?.unsubscribe();
        lease?.release();
      };
      void (async () => {
        const { context: tenant, connection } = await this.resolver.resolve(auth).catch((error: unknown) => {
          // A suspended or deleted tenant keeps no client open.
          if (error instanceof TenancyException && error.problem.code !== TenancyErrorCode.MembershipRevoked)
            void this.registry.evict(auth.tenantId);
          throw error;
        });
        request.tenant = tenant;
        // The current membership decides, never the token's role.
        if (roles && !roles.includes(tenant.role))
          throw new AuthException(AuthErrorCode.InsufficientRole, `This needs one of the roles ${roles.join(', ')}.`);
        lease = await this.registry.acquire(connection);
        if (finished) return lease.release(); // the client went away meanwhile
        const held = lease;
        inner = this.scopes.enter({ owner: tenant, lease: held }, () => next.handle().subscribe(subscriber));
      })().catch((error: unknown) => subscriber.error(error));
      return release;
    });
  }
}
