import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsEnum, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { type Invitation, MembershipRole } from '@helpdeskly/database';
import { Trim } from '@helpdeskly/http';
import { TenantSummaryDto } from '../../users/dto/user.dto';
import { OPAQUE_TOKEN_PATTERN } from '../../auth/opaque-token';

export class CreateInvitationDto {
  @ApiProperty({ example: 'grace@example.com' })
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ enum: MembershipRole, description: 'An ADMIN cannot invite an OWNER' })
  @IsEnum(MembershipRole)
  role: MembershipRole;
}

export class InvitationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'grace@example.com' }) email: string;
  @ApiProperty({ enum: MembershipRole }) role: MembershipRole;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) invitedById: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) expiresAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export class InvitationListDto {
  @ApiProperty({ type: [InvitationDto] }) items: InvitationDto[];
}

export class InvitationParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The token of the emailed link (…/accept-invitation?token=…)' })
  @IsString()
  @Matches(OPAQUE_TOKEN_PATTERN, { message: 'token must be an invitation token' })
  token: string;

  @ApiPropertyOptional({ description: 'Required when the invited email has no account yet', example: 'Grace Hopper' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({
    description:
      'Required when the invited email has no account yet (the password policy of sign-up applies: at most 72 bytes, zxcvbn score); ignored otherwise',
    example: 'Compiler-A-0-1952',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;
}

export class AcceptedInvitationDto {
  @ApiProperty({ type: TenantSummaryDto }) tenant: TenantSummaryDto;
  @ApiProperty({ enum: MembershipRole }) role: MembershipRole;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ description: 'True when the account was created by this acceptance; log in to get tokens' })
  accountCreated: boolean;
}

export const toInvitationDto = (i: Invitation): InvitationDto => ({
  id: i.id,
  email: i.email,
  role: i.role,
  invitedById: i.invitedById,
  expiresAt: i.expiresAt,
  createdAt: i.createdAt,
});
