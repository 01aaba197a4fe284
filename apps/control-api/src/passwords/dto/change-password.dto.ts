import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty({ example: 'Analytical-Engine-1843' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  currentPassword: string;

  @ApiProperty({
    description:
      'At least PASSWORD_MIN_LENGTH characters and at most 72 bytes (UTF-8), with a zxcvbn strength score of at least PASSWORD_MIN_SCORE (the email and name count against it)',
    example: 'Difference-Engine-1822',
  })
  @IsString()
  @MaxLength(256)
  newPassword: string;
}
