import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { ApiNextCursor, OptionalDateTime, PageLimit } from '@helpdeskly/http';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Filters and page of an audit log read; `cursor` is the `nextCursor` of the previous page. */
export class AuditLogQueryDto {
  @ApiPropertyOptional({ example: 'membership.role_changed', description: 'Exact action' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_.]{1,100}$/, { message: 'action must be a dotted action name' })
  action?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only what this user did' })
  @IsOptional()
  @IsUUID()
  actorUserId?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  success?: boolean;

  @OptionalDateTime('From this instant, inclusive')
  from?: Date;

  @OptionalDateTime('Up to this instant, inclusive')
  to?: Date;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  cursor?: string;

  @PageLimit({ default: 50 })
  limit: number = 50;
}

/** The platform admin's read: any tenant, or one. */
export class AdminAuditLogQueryDto extends AuditLogQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
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
  @ApiProperty({ type: 'object', additionalProperties: true, example: { before: 'AGENT', after: 'ADMIN' } })
  metadata: unknown;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      "Position in its tenant's hash chain (the platform's for no tenant); null for entries older than the chain",
  })
  chainSeq: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'SHA-256 (hex) of the entry before it in the chain; null for the first',
  })
  prevHash: string | null;
  @ApiProperty({ nullable: true, type: String, description: "SHA-256 (hex) over prevHash and this entry's fields" })
  hash: string | null;
}

export class AuditLogPageDto {
  @ApiProperty({ type: [AuditLogEntryDto] }) items: AuditLogEntryDto[];
  @ApiNextCursor()
  nextCursor: string | null;
}

/** Which entries an export holds; everything the caller may see when absent. */
export class AuditLogExportQueryDto {
  @OptionalDateTime('From this instant, inclusive')
  from?: Date;

  @OptionalDateTime('Up to this instant, inclusive')
  to?: Date;
}

export class AdminAuditLogExportQueryDto extends AuditLogExportQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "One tenant's entries; every entry when absent" })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

export class AuditChainQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "The tenant whose chain is verified; the platform's (entries of no tenant) when absent",
  })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

export class AuditChainBreakDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() chainSeq: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({
    enum: ['sequence_gap', 'prev_hash_mismatch', 'hash_mismatch'],
    description:
      'hash_mismatch: this entry was altered; prev_hash_mismatch or sequence_gap: the entry before it was removed or replaced',
  })
  reason: 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch';
}

export class AuditChainReportDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) tenantId: string | null;
  @ApiProperty({ description: 'True when every entry of the chain matches its hash and links to the one before' })
  valid: boolean;
  @ApiProperty({ description: 'Entries verified before the first broken one (all of them when valid)' })
  checked: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Position of the oldest entry kept (above 1 once retention dropped older months)',
  })
  firstSeq: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Position of the last entry verified' }) lastSeq:
    number | null;
  @ApiProperty({ type: AuditChainBreakDto, nullable: true }) brokenAt: AuditChainBreakDto | null;
}
