import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { TenantClientLease } from './tenant-client.registry';
import type { TenantScopeOwner } from './tenant-owner';

/** What AsyncLocalStorage holds for the duration of a request (or of TenantDatabase.run()). */
export interface TenantScope {
  /** The request's TenantContext, or the tenant a job works on. */
  readonly owner: TenantScopeOwner;
  readonly lease: TenantClientLease;
}

/**
 * The AsyncLocalStorage of the tenant scope: the interceptor enters it around a handler, and only
 * TenantDatabase reads it, so repositories reach the current tenant's client and nothing else
 * depends on ambient state (services receive the TenantContext as an argument).
 */
@Injectable()
export class TenantScopeStorage {
  private readonly storage = new AsyncLocalStorage<TenantScope>();

  /** Runs `fn` inside `scope`. */
  enter<T>(scope: TenantScope, fn: () => T): T {
    return this.storage.run(scope, fn);
  }

  /** The current scope, or undefined outside one. */
  current(): TenantScope | undefined {
    return this.storage.getStore();
  }
}
