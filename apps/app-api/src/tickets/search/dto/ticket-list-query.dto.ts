import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsEnum,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { TicketPriority, TicketStatus, UUID_PATTERN } from '@helpdeskly/database';
import { OptionalDateTime, PageLimit } from '@helpdeskly/http';

/** `a,b` or `?x=a&x=b` (or both) → ['a', 'b']. */
const commaList = ({ value }: { value: unknown }) =>
  typeof value === 'string' || Array.isArray(value)
    ? [value]
        .flat()
        .flatMap((v) => String(v).split(','))
        .map((v) => v.trim())
        .filter(Boolean)
    : value;
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
/** `me`, `none` or a user id (UUID_PATTERN without its anchors). */
const ASSIGNEE_PATTERN = new RegExp(`^(me|none|${UUID_PATTERN.source.slice(1, -1)})$`, 'i');
const normalizeTag = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export const TICKET_SORTS = [
  'created',
  '-created',
  'updated',
  '-updated',
  'priority',
  '-priority',
  'due',
  '-due',
] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

/** Filters, sort and page of `GET /v1/tickets`; `cursor` is the `nextCursor` of the previous page. */
export class TicketListQueryDto {
  @ApiPropertyOptional({ description: 'Comma-separated statuses', example: 'NEW,OPEN' })
  @IsOptional()
  @Transform(commaList)
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @IsEnum(TicketStatus, { each: true })
  status?: TicketStatus[];

  @ApiPropertyOptional({ description: 'Comma-separated priorities', example: 'HIGH,URGENT' })
  @IsOptional()
  @Transform(commaList)
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @IsEnum(TicketPriority, { each: true })
  priority?: TicketPriority[];

  @ApiPropertyOptional({ description: '`me`, `none` (unassigned) or a user id', example: 'me' })
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE_PATTERN, {
    message: 'assignee must be me, none or a user id',
  })
  assignee?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Tickets of this contact' })
  @IsOptional()
  @IsUUID()
  requesterId?: string;

  @ApiPropertyOptional({ description: 'Tickets carrying this tag (case-insensitive)', example: 'billing' })
  @IsOptional()
  @IsString()
  @Transform(normalizeTag)
  @Length(1, 50)
  tag?: string;

  @OptionalDateTime('Created at or after')
  createdFrom?: Date;

  @OptionalDateTime('Created at or before')
  createdTo?: Date;

  @OptionalDateTime('Last changed at or after')
  updatedFrom?: Date;

  @OptionalDateTime('Last changed at or before')
  updatedTo?: Date;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'true: past their resolution due time and not SOLVED or CLOSED; false: the others',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({
    description:
      'Full-text search over subject, description and comments (web search syntax: words, "a phrase", -excluded, or)',
    example: 'printer -toner',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({
    enum: TICKET_SORTS,
    description: 'A leading `-` sorts descending. Default: `-created`, or relevance when `q` is given.',
  })
  @IsOptional()
  @IsIn(TICKET_SORTS)
  sort?: TicketSort;

  @ApiPropertyOptional({ description: 'Opaque; the `nextCursor` of the previous page (same filters and sort)' })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  cursor?: string;

  @PageLimit({ default: 25 })
  limit: number = 25;
}
