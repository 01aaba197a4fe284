import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { NewPassword } from '../../auth/dto/validation';
import { OPAQUE_TOKEN_PATTERN } from '../../auth/opaque-token';

export class ResetPasswordDto {
  @ApiProperty({ description: 'The token of the emailed link (…/reset-password?token=…)' })
  @IsString()
  @Matches(OPAQUE_TOKEN_PATTERN, { message: 'token must be a password reset token' })
  token: string;

  @NewPassword('Difference-Engine-1822')
  newPassword: string;
}

export class PasswordResetDto {
  @ApiProperty({ description: 'Sessions (refresh token families) revoked; log in with the new password', example: 2 })
  revokedSessions: number;
}
