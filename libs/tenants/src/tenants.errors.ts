import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const tenants = defineErrors('tenants', {
  SlugTaken: { code: 'tenant_slug_taken', status: 409, title: 'Tenant slug already taken' },
  NotFound: { code: 'tenant_not_found', status: 404, title: 'Tenant not found' },
  StateConflict: { code: 'tenant_state_conflict', status: 409, title: 'Tenant is not in a state that allows this' },
  Busy: { code: 'tenant_busy', status: 409, title: 'Tenant is being provisioned or deleted by another request' },
  ProvisioningFailed: {
    code: 'tenant_provisioning_failed',
    status: 503,
    title: 'Tenant database could not be provisioned',
  },
  DeletionFailed: { code: 'tenant_deletion_failed', status: 503, title: 'Tenant database could not be deleted' },
  NoDatabaseCapacity: {
    code: 'no_database_capacity',
    status: 503,
    title: 'No database server has room for a new tenant',
  },
  DatabaseServerNotFound: { code: 'database_server_not_found', status: 404, title: 'Database server not found' },
  DatabaseServerNameTaken: {
    code: 'database_server_name_taken',
    status: 409,
    title: 'Database server name already taken',
  },
  DatabaseServerUnreachable: {
    code: 'database_server_unreachable',
    status: 422,
    title: 'Database server cannot be reached or administered',
  },
});

export const TenantsErrorCode = tenants.codes;
export type TenantsErrorCode = CodeOf<typeof TenantsErrorCode>;

/** Errors of tenants and their database servers, rendered as problem details by the global filter. */
export class TenantsException extends tenants.Exception {}
