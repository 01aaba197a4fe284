import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Filters and page of an audit log read; `cursor` is the `nextCursor` of the previous page. */
export class AuditLogQueryDto {
  @ApiPropertyOptional({ example: 'membership.role_changed', description: 'Exact action' })
  @IsOptional() @IsString() @Matches(/^[a-z0-9_.]{1,100}$/, { message: 'action must be a dotted action name' })
  action?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only what this user did' })
  @IsOptional() @IsUUID()
  actorUserId?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  success?: boolean;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'From this instant, inclusive' })
  @IsOptional() @Type(() => Date) @IsDate()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Up to this instant, inclusive' })
  @IsOptional() @Type(() => Date) @IsDate()
  to?: Date;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit: number = 50;
}

/** The platform admin's read: any tenant, or one. */
export class AdminAuditLogQueryDto extends AuditLogQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  tenantId?: string;
}

export class AuditLogEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) tenantId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorUserId: string | null;
  @ApiProperty({ example: 'membership.role_changed' }) action: string;
  @ApiProperty({ nullable: true, type: String, example: 'user' }) targetType: string | null;
  @ApiProperty({ nullable: true, type: String }) targetId: string | null;
  @ApiProperty() success: boolean;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { before: 'AGENT', after: 'ADMIN' } }) metadata: unknown;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export class AuditLogPageDto {
  @ApiProperty({ type: [AuditLogEntryDto] }) items: AuditLogEntryDto[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last one' }) nextCursor: string | null;
}
