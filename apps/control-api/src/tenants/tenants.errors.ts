import { DomainException } from '@helpdeskly/errors';

export enum TenantsErrorCode {
  SlugTaken = 'tenant_slug_taken',
  NotFound = 'tenant_not_found',
  StateConflict = 'tenant_state_conflict',
  Busy = 'tenant_busy',
  ProvisioningFailed = 'tenant_provisioning_failed',
  DeletionFailed = 'tenant_deletion_failed',
  NoDatabaseCapacity = 'no_database_capacity',
  DatabaseServerNotFound = 'database_server_not_found',
  DatabaseServerNameTaken = 'database_server_name_taken',
  DatabaseServerUnreachable = 'database_server_unreachable',
}

const TENANTS_ERRORS: Readonly<Record<TenantsErrorCode, { status: number; title: string }>> = {
  [TenantsErrorCode.SlugTaken]: { status: 409, title: 'Tenant slug already taken' },
  [TenantsErrorCode.NotFound]: { status: 404, title: 'Tenant not found' },
  [TenantsErrorCode.StateConflict]: { status: 409, title: 'Tenant is not in a state that allows this' },
  [TenantsErrorCode.Busy]: { status: 409, title: 'Tenant is being provisioned or deleted by another request' },
  [TenantsErrorCode.ProvisioningFailed]: { status: 503, title: 'Tenant database could not be provisioned' },
  [TenantsErrorCode.DeletionFailed]: { status: 503, title: 'Tenant database could not be deleted' },
  [TenantsErrorCode.NoDatabaseCapacity]: { status: 503, title: 'No database server has room for a new tenant' },
  [TenantsErrorCode.DatabaseServerNotFound]: { status: 404, title: 'Database server not found' },
  [TenantsErrorCode.DatabaseServerNameTaken]: { status: 409, title: 'Database server name already taken' },
  [TenantsErrorCode.DatabaseServerUnreachable]: {
    status: 422,
    title: 'Database server cannot be reached or administered',
  },
};

/** Errors of tenants and their database servers, rendered as problem details by the global filter. */
export class TenantsException extends DomainException<TenantsErrorCode> {
  constructor(
    readonly code: TenantsErrorCode,
    detail?: string,
    options: { cause?: unknown } = {},
  ) {
    super(TENANTS_ERRORS, code, detail);
    // Kept for the log; the filter never renders it.
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
