import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { OPAQUE_TOKEN_PATTERN } from '../../auth/opaque-token';

export class ResetPasswordDto {
  @ApiProperty({ description: 'The token of the emailed link (…/reset-password?token=…)' })
  @IsString()
  @Matches(OPAQUE_TOKEN_PATTERN, { message: 'token must be a password reset token' })
  token: string;

  @ApiProperty({
    description:
      'At least PASSWORD_MIN_LENGTH characters and at most 72 bytes (UTF-8), with a zxcvbn strength score of at least PASSWORD_MIN_SCORE (the email and name count against it)',
    example: 'Difference-Engine-1822',
  })
  @IsString()
  @MaxLength(256)
  newPassword: string;
}

export class PasswordResetDto {
  @ApiProperty({ description: 'Sessions (refresh token families) revoked; log in with the new password', example: 2 })
  revokedSessions: number;
}
