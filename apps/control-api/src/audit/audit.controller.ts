import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthContext, CurrentAuth, Roles } from '@helpdeskly/auth';
import { AuditService, AuditLogExportQueryDto, AuditLogPageDto, AuditLogQueryDto } from '@helpdeskly/audit';
import { NDJSON, sendNdjson } from './audit-export';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({ summary: "Audit trail of the token's tenant", description: 'Newest first, cursor-paginated.' })
  @ApiOkResponse({ type: AuditLogPageDto })
  find(@CurrentAuth() auth: AuthContext, @Query() query: AuditLogQueryDto): Promise<AuditLogPageDto> {
    return this.audit.find({ ...query, tenantId: auth.tenantId });
  }

  @Get('export')
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({
    summary: "The token's tenant's audit trail as JSON lines",
    description: 'Streamed, oldest first, one entry per line.',
  })
  @ApiProduces(NDJSON)
  @ApiOkResponse({ description: 'One audit entry (as in the list) per line' })
  export(
    @CurrentAuth() auth: AuthContext,
    @Query() query: AuditLogExportQueryDto,
    @Res() reply: FastifyReply,
  ): FastifyReply {
    return sendNdjson(reply, this.audit.exportLines({ ...query, tenantId: auth.tenantId }), 'audit-log.ndjson');
  }
}
