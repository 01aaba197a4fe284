import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@helpdeskly/auth';
import { type TenantSummaryDto, toTenantSummaryDto } from '../users/dto/user.dto';
import { MembershipsRepository } from '../users/memberships.repository';
import { TenantsErrorCode, TenantsException } from '@helpdeskly/tenants';

/** The status of the caller's tenant, which a client polls after sign-up until it is ACTIVE. */
@Injectable()
export class TenantStatusService {
  constructor(private readonly memberships: MembershipsRepository) {}

  /** The token's tenant, whatever its status, as long as the caller is still one of its members. */
  async current(auth: AuthContext): Promise<TenantSummaryDto> {
    const membership = await this.memberships.find(auth.userId, auth.tenantId);
    if (!membership)
      throw new TenantsException(TenantsErrorCode.NotFound, 'You are not a member of the tenant of this token.');
    return toTenantSummaryDto(membership.tenant);
  }
}
