import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '@helpdeskly/auth';
import { TenantSummaryDto } from '../users/dto/user.dto';
import { TenantStatusService } from './tenant-status.service';

/** Where a client waits for its tenant: sign-up's 202 names it in Location. */
export const TENANT_STATUS_PATH = '/v1/tenants/current';
/** Seconds between polls of {@link TENANT_STATUS_PATH} while a tenant is being provisioned (it takes about one). */
export const PROVISIONING_RETRY_AFTER_SECONDS = 2;

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('tenants')
export class TenantStatusController {
  constructor(private readonly status: TenantStatusService) {}

  @Get('current')
  @ApiOperation({
    summary: "The token's tenant and its status",
    description:
      'Any member, whatever the status: `PROVISIONING` while its database is being made, `FAILED` when an attempt failed (the provisioning job retries it), then `ACTIVE`. Poll it after a 202 from sign-up, every `Retry-After` seconds, until `ACTIVE`.',
  })
  @ApiOkResponse({ type: TenantSummaryDto })
  @ApiNotFoundResponse({ description: '`tenant_not_found`: the caller is not (or no longer) a member' })
  current(@CurrentAuth() auth: AuthContext): Promise<TenantSummaryDto> {
    return this.status.current(auth);
  }
}
