import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Any string up to 4 KiB: one that is not a refresh token (an access token, say) is a 401, not a 400. */
export class RefreshTokenDto {
  @ApiProperty({ description: 'The opaque refresh token of the session (43 base64url characters)', maxLength: 4096 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  refreshToken: string;
}
