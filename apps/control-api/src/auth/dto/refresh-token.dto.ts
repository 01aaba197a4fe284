import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class RefreshTokenDto {
  @ApiProperty({ description: 'The opaque refresh token of the session' })
  @IsString() @Matches(/^[A-Za-z0-9_-]{20,128}$/, { message: 'refreshToken must be a refresh token' })
  refreshToken: string;
}
