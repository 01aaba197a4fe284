import { DomainException } from '@helpdeskly/errors';

export enum TenancyErrorCode {
  /** The token's tenant is unknown, being deleted or deleted. */
  TenantUnavailable = 'tenant_unavailable',
  /** The token's tenant is being created (PROVISIONING, or FAILED while its job retries): the token stays good. */
  TenantProvisioning = 'tenant_provisioning',
  /** The tenant exists but an operator suspended it. */
  TenantSuspended = 'tenant_suspended',
  /** The caller's membership of the tenant was removed after the token was signed. */
  MembershipRevoked = 'membership_revoked',
  /** Every tenant client is busy and none freed in time. */
  TenantBusy = 'tenant_busy',
}

const TABLE = {
  [TenancyErrorCode.TenantUnavailable]: { status: 401, title: 'Tenant unavailable' },
  [TenancyErrorCode.TenantProvisioning]: { status: 503, title: 'Tenant being created' },
  [TenancyErrorCode.TenantSuspended]: { status: 403, title: 'Tenant suspended' },
  [TenancyErrorCode.MembershipRevoked]: { status: 401, title: 'Membership revoked' },
  [TenancyErrorCode.TenantBusy]: { status: 503, title: 'Service busy' },
};

export class TenancyException extends DomainException<TenancyErrorCode> {
  constructor(code: TenancyErrorCode, detail?: string) {
    const status = TABLE[code].status;
    // A 401 tells the client its credentials no longer work (RFC 6750); a 503 when to retry.
    const headers: Record<string, string> =
      status === 401
        ? { 'www-authenticate': 'Bearer error="invalid_token"' }
        : status === 503
          ? // A tenant's database takes about a second to make.
            { 'retry-after': code === TenancyErrorCode.TenantProvisioning ? '2' : '1' }
          : {};
    super(TABLE, code, detail, { headers });
  }
}
