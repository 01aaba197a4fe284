import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '@helpdeskly/errors';
import { type AuthContext, CurrentAuth, PlatformAdmin } from '@helpdeskly/auth';
import { TenantsErrorCode } from '@helpdeskly/tenants';
import {
  AdminAuditLogExportQueryDto,
  AdminAuditLogQueryDto,
  AuditChainQueryDto,
  AuditChainReportDto,
  AuditLogPageDto,
} from '@helpdeskly/audit';
import { NDJSON, sendNdjson } from '../audit/audit-export';
import { Client, type ClientInfo } from '../common/client-info';
import { AdminAuditService } from './admin-audit.service';
import { AdminDatabaseServersService } from './admin-database-servers.service';
import { AdminTenantsService } from './admin-tenants.service';
import { AdminTenantDto, AdminTenantPageDto, AdminTenantQueryDto, TenantParamsDto } from './dto/admin-tenant.dto';
import { DatabaseServerDto, DatabaseServerListDto, RegisterDatabaseServerDto } from './dto/database-server.dto';
import { UpdateTenantLimitsDto } from './dto/tenant-limits.dto';

/** Platform administration: the token must say platform admin, and PlatformAdminGuard checks the database says so too and that TOTP is on. */
@ApiTags('admin')
@ApiBearerAuth()
@ApiForbiddenResponse({
  description: '`insufficient_role`: not a platform administrator; `admin_two_factor_required`: TOTP not enabled yet',
})
@PlatformAdmin()
@Controller('admin')
export class AdminController {
  constructor(
    private readonly tenants: AdminTenantsService,
    private readonly servers: AdminDatabaseServersService,
    private readonly audit: AdminAuditService,
  ) {}

  @Get('tenants')
  @ApiOperation({
    summary: 'Every tenant, newest first',
    description: 'Filter by status and part of the slug; cursor-paginated.',
  })
  @ApiOkResponse({ type: AdminTenantPageDto })
  listTenants(@Query() query: AdminTenantQueryDto): Promise<AdminTenantPageDto> {
    return this.tenants.list(query);
  }

  @Get('tenants/:id')
  @ApiOperation({ summary: 'One tenant' })
  @ApiOkResponse({ type: AdminTenantDto })
  @ApiProblems(TenantsErrorCode.NotFound)
  getTenant(@Param() params: TenantParamsDto): Promise<AdminTenantDto> {
    return this.tenants.get(params.id);
  }

  @Patch('tenants/:id/limits')
  @ApiOperation({
    summary: "Set a tenant's plan and rate-limit overrides",
    description:
      'An absent field is kept; null resets it (plan to free, overrides to none). Audited with the values before and after; every API instance applies the change at once.',
  })
  @ApiOkResponse({ type: AdminTenantDto })
  @ApiProblems(TenantsErrorCode.NotFound)
  updateTenantLimits(
    @CurrentAuth() auth: AuthContext,
    @Param() params: TenantParamsDto,
    @Body() dto: UpdateTenantLimitsDto,
    @Client() client: ClientInfo,
  ): Promise<AdminTenantDto> {
    return this.tenants.updateLimits(auth, params.id, dto, client);
  }

  @Post('tenants/:id/suspend')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Suspend a tenant',
    description: 'Its role can no longer connect to its database. Idempotent.',
  })
  @ApiOkResponse({ type: AdminTenantDto })
  @ApiProblems(TenantsErrorCode.StateConflict)
  suspendTenant(@CurrentAuth() auth: AuthContext, @Param() params: TenantParamsDto): Promise<AdminTenantDto> {
    return this.tenants.suspend(auth, params.id);
  }

  @Post('tenants/:id/resume')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Resume a suspended tenant. Idempotent.' })
  @ApiOkResponse({ type: AdminTenantDto })
  @ApiProblems(TenantsErrorCode.StateConflict)
  resumeTenant(@CurrentAuth() auth: AuthContext, @Param() params: TenantParamsDto): Promise<AdminTenantDto> {
    return this.tenants.resume(auth, params.id);
  }

  @Delete('tenants/:id')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Delete a tenant',
    description:
      'Marks it DELETING, drops its database and role, then marks it DELETED. A deletion that failed midway (503 `tenant_deletion_failed`) completes when asked again.',
  })
  @ApiAcceptedResponse({ type: AdminTenantDto })
  deleteTenant(@CurrentAuth() auth: AuthContext, @Param() params: TenantParamsDto): Promise<AdminTenantDto> {
    return this.tenants.delete(auth, params.id);
  }

  @Get('database-servers')
  @ApiOperation({ summary: 'Database servers hosting tenant databases' })
  @ApiOkResponse({ type: DatabaseServerListDto })
  listDatabaseServers(): Promise<DatabaseServerListDto> {
    return this.servers.list();
  }

  @Post('database-servers')
  @ApiOperation({
    summary: 'Register a database server',
    description: 'Its admin URL must connect with a role that can create roles and databases.',
  })
  @ApiCreatedResponse({ type: DatabaseServerDto })
  @ApiProblems(TenantsErrorCode.DatabaseServerNameTaken, TenantsErrorCode.DatabaseServerUnreachable)
  registerDatabaseServer(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: RegisterDatabaseServerDto,
    @Client() client: ClientInfo,
  ): Promise<DatabaseServerDto> {
    return this.servers.register(auth, dto, client);
  }

  @Get('audit-logs')
  @ApiOperation({
    summary: 'The whole audit trail',
    description: 'Newest first, cursor-paginated; filter by tenant, action, actor, outcome and time.',
  })
  @ApiOkResponse({ type: AuditLogPageDto })
  auditLogs(@Query() query: AdminAuditLogQueryDto): Promise<AuditLogPageDto> {
    return this.audit.find(query);
  }

  @Get('audit-logs/verify')
  @ApiOperation({
    summary: 'Verify a hash chain of the audit log',
    description:
      "Walks the chain of one tenant (or the platform's, without tenantId) and reports the first entry that was altered or whose predecessor was removed.",
  })
  @ApiOkResponse({ type: AuditChainReportDto })
  verifyAuditChain(@Query() query: AuditChainQueryDto): Promise<AuditChainReportDto> {
    return this.audit.verifyChain(query);
  }

  @Get('audit-logs/export')
  @ApiOperation({
    summary: 'Export the audit log as JSON lines',
    description: 'Streamed, oldest first, one entry per line; every tenant unless tenantId is given.',
  })
  @ApiProduces(NDJSON)
  @ApiOkResponse({ description: 'One audit entry (as in the list) per line' })
  exportAuditLogs(@Query() query: AdminAuditLogExportQueryDto, @Res() reply: FastifyReply): FastifyReply {
    return sendNdjson(reply, this.audit.exportLines(query), 'audit-log.ndjson');
  }
}
