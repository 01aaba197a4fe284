import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { SLUG_PATTERN } from './validation';

export class SwitchTenantDto {
  @ApiProperty({ example: 'analytical-engines' })
  @IsString()
  @Matches(SLUG_PATTERN, { message: 'tenantSlug must be a tenant slug' })
  tenantSlug: string;
}
