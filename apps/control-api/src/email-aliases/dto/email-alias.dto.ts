import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, IsUUID, Matches } from 'class-validator';
import { ALIAS_NAME_PATTERN } from '@helpdeskly/inbound-email';

export class CreateEmailAliasDto {
  @ApiProperty({
    example: 'billing',
    pattern: ALIAS_NAME_PATTERN.source,
    description:
      'The alias: `billing` makes `<slug>.billing@<INBOUND_DOMAIN>`. 1 to 40 letters, digits, hyphens and underscores, starting and ending with a letter or digit; case-insensitive',
  })
  // Mail systems treat local parts case-insensitively in practice: stored in lower case.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @Matches(ALIAS_NAME_PATTERN, {
    message:
      'name must be 1 to 40 letters, digits, hyphens and underscores, starting and ending with a letter or digit',
  })
  name: string;
}

export class EmailAliasDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'billing' })
  name: string;

  @ApiProperty({ example: 'acme.billing@inbound.helpdeskly.com', description: 'The address customers write to' })
  address: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class EmailAliasListDto {
  @ApiProperty({
    example: 'acme@inbound.helpdeskly.com',
    nullable: true,
    type: String,
    description: "The tenant's own hosted address; null when this deployment has no INBOUND_DOMAIN",
  })
  address: string | null;

  @ApiProperty({ type: [EmailAliasDto], description: 'Oldest first' })
  items: EmailAliasDto[];
}

export class EmailAliasParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}
