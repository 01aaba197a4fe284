import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import type { Contact } from '@helpdeskly/database';
import { PageLimit, Trim } from '@helpdeskly/http';
import { Nullable, Optional } from './validation';

export class CreateContactDto {
  @ApiProperty({ example: 'Ada Lovelace' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'ada@example.com', description: 'Unique within the tenant, case-insensitive' })
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ example: '+44 20 7946 0000' })
  @Optional()
  @Trim()
  @IsString()
  @Length(1, 50)
  phone?: string;

  @ApiPropertyOptional({ example: 'Analytical Engines Ltd' })
  @Optional()
  @Trim()
  @IsString()
  @Length(1, 200)
  organization?: string;
}

export class UpdateContactDto {
  @ApiPropertyOptional({ example: 'Ada King' })
  @Optional()
  @Trim()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'ada@example.com' })
  @Optional()
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null clears it' })
  @Nullable()
  @Trim()
  @IsString()
  @Length(1, 50)
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null clears it' })
  @Nullable()
  @Trim()
  @IsString()
  @Length(1, 200)
  organization?: string | null;
}

export class ContactParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

/** Cursor pagination of a list: `cursor` is the `nextCursor` of the previous page. */
export class PageQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @Optional()
  @IsUUID()
  cursor?: string;

  @PageLimit({ default: 25 })
  limit?: number;
}

export class ListContactsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of the name or email (case-insensitive)' })
  @Optional()
  @Trim()
  @IsString()
  @Length(1, 200)
  q?: string;
}

export class ContactDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Ada Lovelace' }) name: string;
  @ApiProperty({ example: 'ada@example.com' }) email: string;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty({ type: String, nullable: true }) organization: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a delivery status notification said mail to this address failed for good; null while it works',
  })
  emailBouncedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
}

export class ContactPageDto {
  @ApiProperty({ type: [ContactDto] }) items: ContactDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}

export const toContactDto = (c: Contact): ContactDto => ({
  id: c.id,
  name: c.name,
  email: c.email,
  phone: c.phone,
  organization: c.organization,
  emailBouncedAt: c.emailBouncedAt,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});
