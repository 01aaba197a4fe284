import { ApiProperty } from '@nestjs/swagger';
import { MembershipRole } from '@helpdeskly/database';

export class HelpdeskTenantDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'acme' }) slug: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The tenant's account settings (control database)",
  })
  settings: Record<string, unknown>;
}

export class HelpdeskMeDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ enum: MembershipRole, description: 'Current role in the tenant' }) role: MembershipRole;
}

export class HelpdeskDto {
  @ApiProperty({ type: HelpdeskTenantDto }) tenant: HelpdeskTenantDto;
  @ApiProperty({ type: HelpdeskMeDto }) me: HelpdeskMeDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The helpdesk's settings (the tenant database's settings table), by key",
    example: { locale: 'en' },
  })
  settings: Record<string, unknown>;
  @ApiProperty({ example: 42, description: 'Tickets in the helpdesk, trash excluded' }) ticketCount: number;
}
