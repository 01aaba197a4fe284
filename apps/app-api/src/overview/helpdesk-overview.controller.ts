import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { TenancyErrorCode } from '@helpdeskly/tenant-data';
import { CurrentTenant, type TenantContext } from '../tenancy/tenant-context';
import { HelpdeskDto } from './dto/helpdesk.dto';
import { HelpdeskOverviewService } from './helpdesk-overview.service';

@ApiTags('helpdesk')
@ApiBearerAuth()
@Controller('helpdesk')
export class HelpdeskOverviewController {
  constructor(private readonly overviews: HelpdeskOverviewService) {}

  @Get()
  @ApiOperation({
    // Pinned: the default id would follow the class name, and clients generated from the document use it.
    operationId: 'HelpdeskController_overview_v1',
    summary: "The token's helpdesk",
    description:
      "The tenant, the caller's current role, the helpdesk's settings and its number of tickets: what a client loads at start-up.",
  })
  @ApiOkResponse({ type: HelpdeskDto })
  @ApiUnauthorizedResponse({
    description:
      '`tenant_unavailable` (unknown, being deleted or deleted tenant), `membership_revoked`, or a token problem',
  })
  @ApiProblems(TenancyErrorCode.TenantSuspended)
  @ApiServiceUnavailableResponse({
    description:
      '`tenant_provisioning`: the tenant is being created (after a sign-up answered 202); retry after `Retry-After` seconds',
  })
  overview(@CurrentTenant() tenant: TenantContext): Promise<HelpdeskDto> {
    return this.overviews.overview(tenant);
  }
}
