/**
 * Whose work runs in a tenant scope: a request's TenantContext (app-api) or a job's tenant (the
 * worker). TenantDatabase needs only the tenant; the rest stays with whoever entered the scope.
 */
export interface TenantScopeOwner {
  readonly tenantId: string;
}
