import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, IsUUID, Length, Matches } from 'class-validator';

/** Tags are compared and stored trimmed and lower-cased. */
const normalizeTag = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const TAG_PATTERN = /^[a-z0-9 _-]+$/;
const TAG_MESSAGE = 'a tag is 1 to 50 letters, digits, spaces, - or _';

/** Validates one (already normalized) tag name; reused for bodies and path parameters. */
const TagName =
  (each = false): PropertyDecorator =>
  (target, key) => {
    IsString({ each })(target, key);
    Length(1, 50, { each, message: TAG_MESSAGE })(target, key);
    Matches(TAG_PATTERN, { each, message: TAG_MESSAGE })(target, key);
  };

export class AddTagsDto {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: 20,
    example: ['billing', 'vip'],
    description: 'Created when new; trimmed and lower-cased; 1 to 50 of a-z 0-9 space - _',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @Transform(({ value }) => (Array.isArray(value) ? value.map(normalizeTag) : value))
  @TagName(true)
  tags: string[];
}

export class RenameTagDto {
  @ApiProperty({ example: 'invoices', description: 'The new name; trimmed and lower-cased' })
  @Transform(({ value }) => normalizeTag(value))
  @TagName()
  name: string;
}

export class TicketTagsParamsDto {
  @ApiProperty({ format: 'uuid', description: 'The ticket' })
  @IsUUID()
  id: string;
}

export class TicketTagParamsDto extends TicketTagsParamsDto {
  @ApiProperty({ example: 'billing' })
  @Transform(({ value }) => normalizeTag(value))
  @TagName()
  tag: string;
}

export class TagParamsDto {
  @ApiProperty({ example: 'billing' })
  @Transform(({ value }) => normalizeTag(value))
  @TagName()
  name: string;
}

export class TicketTagsDto {
  @ApiProperty({ format: 'uuid' }) ticketId: string;
  @ApiProperty({ type: [String], description: 'All tags of the ticket, sorted' }) tags: string[];
}

export class TagDto {
  @ApiProperty({ example: 'billing' }) name: string;
  @ApiProperty({ description: 'Tickets carrying it (the trash excluded)' }) ticketCount: number;
}

export class TagListDto {
  @ApiProperty({ type: [TagDto] }) items: TagDto[];
}
