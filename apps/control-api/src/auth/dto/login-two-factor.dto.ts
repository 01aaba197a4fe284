import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsJWT, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** The second step of a login with 2FA: the challenge and either a TOTP code or a recovery code. */
export class LoginTwoFactorDto {
  @ApiProperty({ description: 'The challengeToken returned by POST /v1/auth/login' })
  @IsJWT()
  @MaxLength(2048)
  challengeToken: string;

  @ApiPropertyOptional({
    description: 'Six-digit code of the authenticator app; send this or recoveryCode',
    example: '123456',
  })
  @ValidateIf((dto: LoginTwoFactorDto) => dto.recoveryCode === undefined || dto.code !== undefined)
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be six digits' })
  code?: string;

  @ApiPropertyOptional({
    description: 'One of the recovery codes given when 2FA was enabled; each works once',
    example: 'k7m2p-x9q4r',
  })
  @ValidateIf((dto: LoginTwoFactorDto) => dto.recoveryCode !== undefined)
  @IsString()
  @MaxLength(64)
  recoveryCode?: string;
}
