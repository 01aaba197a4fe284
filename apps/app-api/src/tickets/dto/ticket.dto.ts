import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { CommentPageDto } from '../../comments/dto/comment.dto';
import { TicketPriority, TicketStatus, TicketType } from '@helpdeskly/database';
import { Trim } from '@helpdeskly/http';
import { Nullable, Optional } from '../../contacts/dto/validation';
import type { TicketRecord } from '../tickets.repository';

/** Letters, digits, and `-_.` or spaces inside; lower-cased. */
export const TAG_PATTERN = /^[\p{L}\p{N}](?:[\p{L}\p{N} ._-]*[\p{L}\p{N}])?$/u;

/** Trims and lower-cases each tag name; other values pass as they are (and fail validation). */
export const NormalizeTags = () =>
  Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v)) : value,
  );

/** Tag names, 1 to 50 characters each. */
export function TagNames(max: number) {
  return (target: object, key: string) => {
    for (const d of [
      NormalizeTags(),
      IsArray(),
      ArrayMaxSize(max),
      IsString({ each: true }),
      Length(1, 50, { each: true }),
      Matches(TAG_PATTERN, {
        each: true,
        message: `each value in ${key} must be letters, digits, spaces, '.', '_' or '-'`,
      }),
    ])
      d(target, key);
  };
}

/** The new assignee of a change: a member's id, or null to unassign; may be left out. */
export const AssigneeChange = () =>
  applyDecorators(
    IsUUID(),
    Nullable(),
    ApiPropertyOptional({
      type: String,
      format: 'uuid',
      nullable: true,
      description: 'A member of the tenant; null unassigns',
    }),
  );

/** The property and `other` cannot both be given, nor both be missing. */
function ExactlyOneOf(other: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'exactlyOneOf',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          (value !== undefined) !== ((args.object as Record<string, unknown>)[other] !== undefined),
        defaultMessage: () => `exactly one of ${propertyName} and ${other} must be given`,
      },
    });
}

export class RequesterInputDto {
  @ApiProperty({ example: 'ada@example.com', description: 'The contact of this email, created when new' })
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({
    example: 'Ada Lovelace',
    description: 'Name of a new contact (default: the part of the email before @); ignored for an existing one',
  })
  @Optional()
  @Trim()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class CreateTicketDto {
  @ApiProperty({ example: 'Cannot log in', maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  subject: string;

  @ApiProperty({ example: 'Since this morning the login page says my password is wrong.', maxLength: 50_000 })
  @IsString()
  @Length(1, 50_000)
  description: string;

  @ApiPropertyOptional({ enum: TicketPriority, default: TicketPriority.NORMAL })
  @Optional()
  @IsEnum(TicketPriority)
  priority?: TicketPriority;

  @ApiPropertyOptional({ enum: TicketType, default: TicketType.QUESTION })
  @Optional()
  @IsEnum(TicketType)
  type?: TicketType;

  @ApiPropertyOptional({ type: RequesterInputDto, description: 'Exactly one of requester and requesterId' })
  @ValidateIf((o: CreateTicketDto) => o.requester !== undefined || o.requesterId === undefined)
  @ExactlyOneOf('requesterId')
  @ValidateNested()
  @Type(() => RequesterInputDto)
  requester?: RequesterInputDto;

  @ApiPropertyOptional({ format: 'uuid', description: 'An existing contact; exactly one of requester and requesterId' })
  @Optional()
  @IsUUID()
  requesterId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A member of the tenant; the ticket is then created OPEN instead of NEW',
  })
  @Optional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ type: [String], example: ['billing', 'vip'], description: 'Created when new; lower-cased' })
  @Optional()
  @TagNames(20)
  tags?: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    uniqueItems: true,
    description:
      "Ids of the caller's pending uploads (POST /v1/uploads), at most ATTACHMENT_MAX_FILES: the files of the description (commentId null), attached with the ticket, all or none (422 upload_not_usable names those that cannot be, and no ticket is made)",
  })
  @Optional()
  @IsArray()
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attachmentIds?: string[];
}

export class UpdateTicketDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @Optional()
  @Trim()
  @IsString()
  @Length(1, 200)
  subject?: string;

  @ApiPropertyOptional({ maxLength: 50_000 })
  @Optional()
  @IsString()
  @Length(1, 50_000)
  description?: string;

  @ApiPropertyOptional({
    enum: TicketStatus,
    description: 'Allowed transitions: see docs/helpdesk.md (422 `invalid_transition`)',
  })
  @Optional()
  @IsEnum(TicketStatus)
  status?: TicketStatus;

  @ApiPropertyOptional({ enum: TicketPriority, description: 'Recomputes the due times from the creation time' })
  @Optional()
  @IsEnum(TicketPriority)
  priority?: TicketPriority;

  @ApiPropertyOptional({ enum: TicketType })
  @Optional()
  @IsEnum(TicketType)
  type?: TicketType;

  @AssigneeChange()
  assigneeId?: string | null;
}

export class TicketParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export const TICKET_INCLUDES = ['comments'] as const;
export type TicketInclude = (typeof TICKET_INCLUDES)[number];

/** `?include=comments`: what GET /v1/tickets/:id answers along with the ticket. */
export class TicketIncludeQueryDto {
  @ApiPropertyOptional({
    enum: TICKET_INCLUDES,
    isArray: true,
    description:
      'Comma-separated. `comments`: the first page of its comments (oldest first), as GET /v1/tickets/:id/comments answers it',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      : value,
  )
  @IsArray()
  @ArrayMaxSize(TICKET_INCLUDES.length)
  @IsIn(TICKET_INCLUDES, { each: true })
  include?: TicketInclude[];
}

export class TicketNumberParamsDto {
  @ApiProperty({ minimum: 1, example: 42 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  number: number;
}

export class RequesterSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Ada Lovelace' }) name: string;
  @ApiProperty({ example: 'ada@example.com' }) email: string;
}

export class TicketDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 42, description: "The tenant's ticket number (#42)" }) number: number;
  @ApiProperty() subject: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: TicketStatus }) status: TicketStatus;
  @ApiProperty({ enum: TicketPriority }) priority: TicketPriority;
  @ApiProperty({ enum: TicketType }) type: TicketType;
  @ApiProperty({ format: 'uuid' }) requesterId: string;
  @ApiProperty({ type: RequesterSummaryDto }) requester: RequesterSummaryDto;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdById: string | null;
  @ApiProperty({ type: [String], description: 'Sorted by name' }) tags: string[];
  @ApiProperty({ example: 3, description: 'Incremented by every change; the ETag is W/"<version>"' }) version: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstResponseDueAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolutionDueAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstRespondedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) solvedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
}

/** GET /v1/tickets/:id?include=comments: the ticket and the first page of its conversation, in one answer. */
export class TicketWithCommentsDto extends TicketDto {
  @ApiPropertyOptional({ type: CommentPageDto, description: 'Only with `include=comments`' }) comments?: CommentPageDto;
}

export class TicketPageDto {
  @ApiProperty({ type: [TicketDto] }) items: TicketDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}

export const toTicketDto = (t: TicketRecord): TicketDto => ({
  id: t.id,
  number: t.number,
  subject: t.subject,
  description: t.description,
  status: t.status,
  priority: t.priority,
  type: t.type,
  requesterId: t.requesterId,
  requester: { id: t.requester.id, name: t.requester.name, email: t.requester.email },
  assigneeId: t.assigneeId,
  createdById: t.createdById,
  tags: t.tags.map((tt) => tt.tag.name).sort(),
  version: t.version,
  firstResponseDueAt: t.firstResponseDueAt,
  resolutionDueAt: t.resolutionDueAt,
  firstRespondedAt: t.firstRespondedAt,
  solvedAt: t.solvedAt,
  closedAt: t.closedAt,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});
