import { type CodeOf, defineErrors } from '@helpdeskly/errors';

// A 401 tells the client its credentials no longer work (RFC 6750); a 503 when to retry.
const INVALID_TOKEN = { 'www-authenticate': 'Bearer error="invalid_token"' };

const tenancy = defineErrors('tenancy', {
  /** The token's tenant is unknown, being deleted or deleted. */
  TenantUnavailable: { code: 'tenant_unavailable', status: 401, title: 'Tenant unavailable', headers: INVALID_TOKEN },
  /** The token's tenant is being created (PROVISIONING, or FAILED while its job retries): the token stays good. */
  TenantProvisioning: {
    code: 'tenant_provisioning',
    status: 503,
    title: 'Tenant being created',
    headers: { 'retry-after': '2' },
  },
  /** The tenant exists but an operator suspended it. */
  TenantSuspended: { code: 'tenant_suspended', status: 403, title: 'Tenant suspended' },
  /** The caller's membership of the tenant was removed after the token was signed. */
  MembershipRevoked: { code: 'membership_revoked', status: 401, title: 'Membership revoked', headers: INVALID_TOKEN },
  /** Every tenant client is busy and none freed in time. */
  TenantBusy: { code: 'tenant_busy', status: 503, title: 'Service busy', headers: { 'retry-after': '1' } },
});

export const TenancyErrorCode = tenancy.codes;
export type TenancyErrorCode = CodeOf<typeof TenancyErrorCode>;

export class TenancyException extends tenancy.Exception {}
