import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { NewPassword } from '../../auth/dto/validation';

export class ChangePasswordDto {
  @ApiProperty({ example: 'Analytical-Engine-1843' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  currentPassword: string;

  @NewPassword('Difference-Engine-1822')
  newPassword: string;
}
