import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsUUID, Matches } from 'class-validator';
import { TenantStatus } from '@helpdeskly/database';
import { ApiNextCursor, PageLimit } from '@helpdeskly/http';
import type { AdminTenantRow } from '../admin-tenants.repository';

export class AdminTenantQueryDto {
  @ApiPropertyOptional({ enum: TenantStatus })
  @IsOptional()
  @IsEnum(TenantStatus)
  status?: TenantStatus;

  @ApiPropertyOptional({ description: 'Part of the slug, any case', example: 'acme' })
  @IsOptional()
  @Matches(/^[a-zA-Z0-9-]{1,40}$/, { message: 'slug must be part of a tenant slug' })
  slug?: string;

  @ApiPropertyOptional({ format: 'uuid', description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsUUID()
  cursor?: string;

  @PageLimit({ default: 50 })
  limit: number = 50;
}

export class TenantParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export class DatabaseServerRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'primary' }) name: string;
}

/** A tenant as a platform admin sees it; its database password (sealed or not) is never included. */
export class AdminTenantDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'acme' }) slug: string;
  @ApiProperty({ example: 'Acme Ltd' }) name: string;
  @ApiProperty({ enum: TenantStatus }) status: TenantStatus;
  @ApiProperty({ nullable: true, type: String, description: 'Why provisioning or deletion failed' }) statusReason:
    string | null;
  @ApiProperty({ example: 'free', description: 'free, pro or enterprise (an unknown plan is limited as free)' })
  plan: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { tenantPerMinute: 5000 },
    description: "Rate limits replacing the plan's (PATCH /v1/admin/tenants/:id/limits)",
  })
  rateLimits: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true }) settings: unknown;
  @ApiProperty({ type: DatabaseServerRefDto }) databaseServer: DatabaseServerRefDto;
  @ApiProperty({ example: 'tenant_0b6f3c1e5d0e4a53a1e19f8a4c1b2d3e' }) databaseName: string;
  @ApiProperty({ example: 'tenant_0b6f3c1e5d0e4a53a1e19f8a4c1b2d3e' }) databaseRole: string;
  @ApiProperty({ nullable: true, type: String }) schemaVersion: string | null;
  @ApiProperty({ example: 3 }) memberCount: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt: Date | null;
}

export class AdminTenantPageDto {
  @ApiProperty({ type: [AdminTenantDto] }) items: AdminTenantDto[];
  @ApiNextCursor()
  nextCursor: string | null;
}

export const toAdminTenantDto = ({ _count, ...tenant }: AdminTenantRow): AdminTenantDto => ({
  ...tenant,
  memberCount: _count.memberships,
});
