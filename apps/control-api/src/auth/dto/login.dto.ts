import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Trim } from '@helpdeskly/http';
import { SLUG_PATTERN } from './validation';

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({
    description: 'At most 72 bytes (UTF-8): a longer one is refused (400 password_too_long), never cut short',
    example: 'Analytical-Engine-1843',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password: string;

  @ApiPropertyOptional({
    description: 'Needed when the user belongs to several tenants',
    example: 'analytical-engines',
  })
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: 'tenantSlug must be a tenant slug' })
  tenantSlug?: string;
}
