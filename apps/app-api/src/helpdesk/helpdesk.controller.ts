import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentTenant, type TenantContext } from '../tenancy/tenant-context';
import { HelpdeskDto } from './dto/helpdesk.dto';
import { HelpdeskService } from './helpdesk.service';

@ApiTags('helpdesk')
@ApiBearerAuth()
@Controller('helpdesk')
export class HelpdeskController {
  constructor(private readonly helpdesk: HelpdeskService) {}

  @Get()
  @ApiOperation({
    summary: "The token's helpdesk",
    description:
      "The tenant, the caller's current role, the helpdesk's settings and its number of tickets: what a client loads at start-up.",
  })
  @ApiOkResponse({ type: HelpdeskDto })
  @ApiUnauthorizedResponse({
    description:
      '`tenant_unavailable` (unknown, being deleted or deleted tenant), `membership_revoked`, or a token problem',
  })
  @ApiForbiddenResponse({ description: '`tenant_suspended`' })
  @ApiServiceUnavailableResponse({
    description:
      '`tenant_provisioning`: the tenant is being created (after a sign-up answered 202); retry after `Retry-After` seconds',
  })
  overview(@CurrentTenant() tenant: TenantContext): Promise<HelpdeskDto> {
    return this.helpdesk.overview(tenant);
  }
}
