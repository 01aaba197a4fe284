import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { AuthErrorCode, Roles } from '@helpdeskly/auth';
import { CurrentTenant, type TenantContext } from '../tenancy/tenant-context';
import { SlaSettingsDto } from './dto/sla.dto';
import { SlaSettingsService } from './sla-settings.service';

@ApiTags('settings')
@ApiBearerAuth()
@Controller('settings')
export class SettingsController {
  constructor(private readonly sla: SlaSettingsService) {}

  @Get('sla')
  @ApiOperation({ summary: 'SLA targets per priority', description: 'The defaults until an OWNER or ADMIN sets them.' })
  @ApiOkResponse({ type: SlaSettingsDto })
  getSla(@CurrentTenant() tenant: TenantContext): Promise<SlaSettingsDto> {
    return this.sla.get(tenant);
  }

  @Put('sla')
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({
    summary: 'Set the SLA targets',
    description:
      'Replaces the targets of all four priorities. New tickets and priority changes use them; existing due times are kept.',
  })
  @ApiOkResponse({ type: SlaSettingsDto })
  @ApiProblems(AuthErrorCode.InsufficientRole)
  @ApiUnprocessableEntityResponse({
    description: '`invalid_sla`: a first-response target longer than the resolution target',
  })
  putSla(@CurrentTenant() tenant: TenantContext, @Body() dto: SlaSettingsDto): Promise<SlaSettingsDto> {
    return this.sla.put(tenant, dto);
  }
}
