import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty({ example: 'Analytical-Engine-1843' })
  @IsString() @IsNotEmpty() @MaxLength(256)
  currentPassword: string;

  @ApiProperty({ description: 'At least PASSWORD_MIN_LENGTH characters, not a common password, not the email or name', example: 'Difference-Engine-1822' })
  @IsString() @MaxLength(256)
  newPassword: string;
}
