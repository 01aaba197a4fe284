import { ApiProperty } from '@nestjs/swagger';

/** New tokens for the caller's tenant: every earlier session of the user, this one's included, was revoked. */
export class PasswordChangedDto {
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ description: 'JWT to send as Authorization: Bearer <accessToken>' }) accessToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 }) expiresIn: number;
  @ApiProperty({ description: 'Opaque, single-use: POST it to /v1/auth/refresh for new tokens' }) refreshToken: string;
  @ApiProperty({ type: String, format: 'date-time' }) refreshTokenExpiresAt: Date;
  @ApiProperty({ description: 'Sessions (refresh token families) revoked', example: 2 }) revokedSessions: number;
}
