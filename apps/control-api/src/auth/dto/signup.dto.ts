import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Trim } from '@helpdeskly/http';
import { NewPassword, RESERVED_SLUGS, SLUG_PATTERN } from './validation';

export class SignupDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @NewPassword('Analytical-Engine-1843')
  password: string;

  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: 'Analytical Engines Ltd', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  tenantName: string;

  @ApiProperty({
    description: '3 to 40 lower-case letters, digits and hyphens; some names are reserved',
    example: 'analytical-engines',
    pattern: SLUG_PATTERN.source,
  })
  @IsString()
  @Matches(SLUG_PATTERN, {
    message:
      'tenantSlug must be 3 to 40 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
  })
  @IsNotIn(RESERVED_SLUGS, { message: 'tenantSlug is reserved' })
  tenantSlug: string;
}
