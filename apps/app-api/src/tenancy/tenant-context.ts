import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { MembershipRoleName } from '@helpdeskly/auth';

/** The tenant a request acts in, resolved once from the verified token before the handler runs. */
export interface TenantContext {
  readonly tenantId: string;
  readonly slug: string;
  /** The tenant's display name (control database), e.g. as the sender name of its emails. */
  readonly name: string;
  readonly userId: string;
  /** The caller's role in the tenant as the membership has it now (never the token's claim). */
  readonly role: MembershipRoleName;
  /** The tenant's settings of the control database (`tenants.settings`). */
  readonly settings: Record<string, unknown>;
}

/**
 * The tenant of work no member does: a customer's email becomes a ticket with no caller at all.
 * A TenantContext is one too, so services that need only the tenant take this.
 */
export type TenantOnly = Pick<TenantContext, 'tenantId' | 'slug' | 'name' | 'settings'>;

declare module 'fastify' {
  interface FastifyRequest {
    tenant?: TenantContext;
  }
}

/** The request's tenant; only on routes that are not public. */
export const CurrentTenant = createParamDecorator((_data: unknown, ctx: ExecutionContext): TenantContext => {
  const tenant = ctx.switchToHttp().getRequest<FastifyRequest>().tenant;
  if (!tenant) throw new Error('CurrentTenant used on a route without a tenant context');
  return tenant;
});
