import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth, Roles } from '@helpdeskly/auth';
import { AuditService } from './audit.service';
import { AuditLogPageDto, AuditLogQueryDto } from './dto/audit-log-query.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({ summary: 'Audit trail of the token\'s tenant', description: 'Newest first, cursor-paginated.' })
  @ApiOkResponse({ type: AuditLogPageDto })
  find(@CurrentAuth() auth: AuthContext, @Query() query: AuditLogQueryDto): Promise<AuditLogPageDto> {
    return this.audit.find({ ...query, tenantId: auth.tenantId });
  }
}
