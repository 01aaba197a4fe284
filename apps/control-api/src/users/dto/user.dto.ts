import { ApiProperty } from '@nestjs/swagger';
import { MembershipRole, type Tenant, TenantStatus, type User } from '@helpdeskly/database';
import type { MembershipWithTenant } from '../memberships.repository';

/** A user as the API shows them: never the password hash or the TOTP secret. */
export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ada@example.com' }) email: string;
  @ApiProperty({ example: 'Ada Lovelace' }) name: string;
  @ApiProperty() isPlatformAdmin: boolean;
  @ApiProperty() twoFactorEnabled: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export class TenantSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'analytical-engines' }) slug: string;
  @ApiProperty({ example: 'Analytical Engines Ltd' }) name: string;
  @ApiProperty({ enum: TenantStatus }) status: TenantStatus;
}

export class MembershipDto {
  @ApiProperty({ enum: MembershipRole }) role: MembershipRole;
  @ApiProperty({ type: TenantSummaryDto }) tenant: TenantSummaryDto;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export const toUserDto = (user: User): UserDto => ({
  id: user.id,
  email: user.email,
  name: user.name,
  isPlatformAdmin: user.isPlatformAdmin,
  twoFactorEnabled: user.totpEnabledAt !== null,
  lastLoginAt: user.lastLoginAt,
  createdAt: user.createdAt,
});

export const toTenantSummaryDto = (tenant: Tenant): TenantSummaryDto => ({
  id: tenant.id,
  slug: tenant.slug,
  name: tenant.name,
  status: tenant.status,
});

export const toMembershipDto = (membership: MembershipWithTenant): MembershipDto => ({
  role: membership.role,
  tenant: toTenantSummaryDto(membership.tenant),
  createdAt: membership.createdAt,
});
