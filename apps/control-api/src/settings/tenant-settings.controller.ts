import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { type AuthContext, AuthErrorCode, CurrentAuth, Roles } from '@helpdeskly/auth';
import { Client, type ClientInfo } from '../common/client-info';
import { TenantSettingsDto, UpdateTenantSettingsDto } from './dto/tenant-settings.dto';
import { TenantSettingsService } from './tenant-settings.service';

@ApiTags('settings')
@ApiBearerAuth()
@Controller('settings')
export class TenantSettingsController {
  constructor(private readonly settings: TenantSettingsService) {}

  @Get()
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({
    summary: "The token's tenant's account settings",
    description: "The helpdesk settings (SLA targets) are app-api's /v1/settings/sla.",
  })
  @ApiOkResponse({ type: TenantSettingsDto })
  @ApiProblems(AuthErrorCode.InsufficientRole)
  get(@CurrentAuth() auth: AuthContext): Promise<TenantSettingsDto> {
    return this.settings.get(auth);
  }

  @Patch()
  @Roles('OWNER')
  @ApiOperation({
    summary: "Change the token's tenant's account settings",
    description:
      'Fields left out are kept. Audited (tenant.settings.updated, with before and after); app-api applies the change at once.',
  })
  @ApiOkResponse({ type: TenantSettingsDto })
  @ApiProblems(AuthErrorCode.InsufficientRole)
  update(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: UpdateTenantSettingsDto,
    @Client() client: ClientInfo,
  ): Promise<TenantSettingsDto> {
    return this.settings.update(auth, dto, client);
  }
}
