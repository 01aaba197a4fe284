import { ApiProperty } from '@nestjs/swagger';
import type { SignedToken } from '@helpdeskly/auth';
import { MembershipRole } from '@helpdeskly/database';
import { MembershipDto, TenantSummaryDto, UserDto } from '../../users/dto/user.dto';
import type { IssuedRefreshToken } from '../sessions/refresh-tokens.service';

/** A new access token and the refresh token of its session: what every answer that starts a session holds. */
export class SessionTokensDto {
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ description: 'JWT to send as Authorization: Bearer <accessToken>' }) accessToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 }) expiresIn: number;
  @ApiProperty({
    required: false,
    description:
      'Opaque, single-use: POST it to /v1/auth/refresh for new tokens. Absent with `X-Session-Transport: cookie`, where it is an HttpOnly cookie instead',
  })
  refreshToken: string;
  @ApiProperty({ type: String, format: 'date-time' }) refreshTokenExpiresAt: Date;
}

export const toSessionTokensDto = (access: SignedToken, refresh: IssuedRefreshToken): SessionTokensDto => ({
  tokenType: 'Bearer',
  accessToken: access.token,
  expiresIn: access.expiresIn,
  refreshToken: refresh.token,
  refreshTokenExpiresAt: refresh.expiresAt,
});

/** Tokens for one tenant, with who they are for. */
export class SessionDto extends SessionTokensDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ type: TenantSummaryDto }) tenant: TenantSummaryDto;
  @ApiProperty({ enum: MembershipRole }) role: MembershipRole;
}

/** Login's answer when the user has 2FA on: complete it at POST /v1/auth/login/2fa. */
export class TwoFactorChallengeDto {
  @ApiProperty({ enum: [true] }) twoFactorRequired: true;
  @ApiProperty({ description: 'Single use, valid 5 minutes' }) challengeToken: string;
  @ApiProperty({ example: 300 }) expiresIn: number;
}

export class MeDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ format: 'uuid', description: 'Tenant of the access token' }) tenantId: string;
  @ApiProperty({ enum: MembershipRole, description: 'Role in that tenant, as the token says' }) role: MembershipRole;
  @ApiProperty({ type: [MembershipDto] }) memberships: MembershipDto[];
}
