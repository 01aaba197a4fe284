import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Observable, Subject } from 'rxjs';
import { type AuthContext, type MembershipRoleName, Public, Roles } from '@helpdeskly/auth';
import {
  TenancyErrorCode,
  TenancyException,
  type TenantClientLease,
  type TenantClientRegistry,
  type TenantConnection,
  TenantScopeStorage,
} from '@helpdeskly/tenant-data';
import type { TenantContext } from './tenant-context';
import { TenantContextInterceptor } from './tenant-context.interceptor';
import type { TenantResolver } from './tenant.resolver';

const auth: AuthContext = {
  userId: 'u-1',
  tenantId: 't-1',
  role: 'AGENT',
  isPlatformAdmin: false,
  tokenId: 'tok-1',
  sessionId: 'sid-1',
  issuedAt: 0,
};
const connection: TenantConnection = { tenantId: 't-1', version: 'v1', url: 'postgresql://gateway@h/t' };
const tenantWith = (role: MembershipRoleName): TenantContext => ({
  tenantId: 't-1',
  slug: 'acme',
  name: 'Acme',
  userId: 'u-1',
  role,
  settings: {},
});

/** A promise and its resolve function, to hold a step (acquire) until the test lets it go. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setImmediate(r));

/**
 * The interceptor with a resolver answering `resolved` (the current membership's role, or an
 * error), a registry whose leases count their releases, and a handler the test drives.
 */
function setup(
  options: { resolved?: MembershipRoleName | Error; tokenRole?: MembershipRoleName; acquire?: Promise<void> } = {},
) {
  const resolved = options.resolved ?? 'AGENT';
  const calls = { resolved: 0, acquired: 0, released: 0, evicted: [] as string[] };
  const resolver = {
    resolve: async () => {
      calls.resolved++;
      if (resolved instanceof Error) throw resolved;
      return { context: tenantWith(resolved), connection };
    },
  } as unknown as TenantResolver;
  const registry = {
    acquire: async (): Promise<TenantClientLease> => {
      await options.acquire;
      calls.acquired++;
      return { client: {} as TenantClientLease['client'], release: () => void calls.released++ };
    },
    evict: async (tenantId: string) => void calls.evicted.push(tenantId),
  } as unknown as TenantClientRegistry;
  const scopes = new TenantScopeStorage();
  const sut = new TenantContextInterceptor(new Reflector(), resolver, registry, scopes);

  /** The handler's answer, and what it saw of the tenant scope when it ran. */
  const response = new Subject<unknown>();
  const handler = { ran: false, scope: undefined as TenantContext | undefined, unsubscribed: false };
  const next: CallHandler = {
    handle: () => {
      handler.ran = true;
      handler.scope = scopes.current()?.owner as TenantContext | undefined;
      return new Observable((subscriber) => {
        const inner = response.subscribe(subscriber);
        return () => {
          handler.unsubscribed = true;
          inner.unsubscribe();
        };
      });
    },
  };
  const request = { auth: { ...auth, role: options.tokenRole ?? auth.role } } as FastifyRequest;

  /** Intercepts a request to `route` (a handler function, decorated or not). */
  const intercept = (route: () => void = () => undefined) => {
    const context = {
      getType: () => 'http',
      getHandler: () => route,
      getClass: () => class Controller {},
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    const events: string[] = [];
    let failure: unknown;
    const subscription = sut.intercept(context, next).subscribe({
      next: (value) => events.push(`next ${String(value)}`),
      error: (error: unknown) => (events.push('error'), (failure = error)),
      complete: () => events.push('complete'),
    });
    return { subscription, events, failure: () => failure };
  };
  return { sut, calls, handler, response, request, intercept };
}

/** A route function carrying `decorator`'s metadata, as on a controller method. */
function route(decorator: (target: object) => void): () => void {
  const handler = () => undefined;
  decorator(handler);
  return handler;
}

describe(TenantContextInterceptor.name, () => {
  it('runs the handler inside the tenant scope and releases the lease once the response completes', async () => {
    const { calls, handler, response, request, intercept } = setup();
    const { events } = intercept();
    await tick();
    expect(handler.scope).toEqual(tenantWith('AGENT'));
    expect(request.tenant).toEqual(tenantWith('AGENT'));
    expect([calls.acquired, calls.released]).toEqual([1, 0]);

    response.next('answer');
    response.complete();
    expect(events).toEqual(['next answer', 'complete']);
    expect(calls.released).toBe(1);
  });

  it('releases the lease when the handler errors, and passes the error on', async () => {
    const { calls, response, intercept } = setup();
    const { events, failure } = intercept();
    await tick();
    response.error(new Error('handler failed'));
    expect(events).toEqual(['error']);
    expect((failure() as Error).message).toBe('handler failed');
    expect([calls.acquired, calls.released]).toEqual([1, 1]);
  });

  it('releases the lease and stops the handler when the client aborts mid-response', async () => {
    const { calls, handler, intercept } = setup();
    const { subscription } = intercept();
    await tick();
    expect(handler.ran).toBe(true);
    subscription.unsubscribe();
    expect(handler.unsubscribed).toBe(true);
    expect([calls.acquired, calls.released]).toEqual([1, 1]);
  });

  it('releases a lease granted after the client went away, without running the handler', async () => {
    const gate = deferred<void>();
    const { calls, handler, intercept } = setup({ acquire: gate.promise });
    const { subscription } = intercept();
    await tick();
    subscription.unsubscribe();
    gate.resolve();
    await tick();
    expect(handler.ran).toBe(false);
    expect([calls.acquired, calls.released]).toEqual([1, 1]);
  });

  it('checks @Roles() against the current membership: a member promoted since the token passes', async () => {
    const { calls, handler, response, intercept } = setup({ tokenRole: 'AGENT', resolved: 'ADMIN' });
    intercept(route(Roles('OWNER', 'ADMIN')));
    await tick();
    expect(handler.ran).toBe(true);
    response.complete();
    expect(calls.released).toBe(1);
  });

  it('refuses a member demoted since the token with insufficient_role, before leasing a client', async () => {
    const { calls, handler, intercept } = setup({ tokenRole: 'ADMIN', resolved: 'AGENT' });
    const { events, failure } = intercept(route(Roles('OWNER', 'ADMIN')));
    await tick();
    expect(events).toEqual(['error']);
    expect(failure()).toMatchObject({ problem: expect.objectContaining({ status: 403, code: 'insufficient_role' }) });
    expect(handler.ran).toBe(false);
    expect([calls.acquired, calls.released]).toEqual([0, 0]);
  });

  it("closes a refused tenant's client, but not for a revoked membership", async () => {
    const suspended = setup({ resolved: new TenancyException(TenancyErrorCode.TenantSuspended) });
    suspended.intercept();
    await tick();
    expect(suspended.calls.evicted).toEqual(['t-1']);

    const revoked = setup({ resolved: new TenancyException(TenancyErrorCode.MembershipRevoked) });
    const { failure } = revoked.intercept();
    await tick();
    expect(failure()).toMatchObject({ problem: expect.objectContaining({ code: 'membership_revoked' }) });
    expect(revoked.calls.evicted).toEqual([]);
    expect(revoked.calls.acquired).toBe(0);
  });

  it('lets a public route through untouched', async () => {
    const { calls, handler, intercept } = setup();
    intercept(route(Public()));
    await tick();
    expect(handler.ran).toBe(true);
    expect(handler.scope).toBeUndefined();
    expect(calls.resolved).toBe(0);
  });
});
