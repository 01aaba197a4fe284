import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';
import { Trim } from '@helpdeskly/http';

export class ForgotPasswordDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email: string;
}

export class ForgotPasswordAcceptedDto {
  @ApiProperty({ example: 'If an account uses this email, a link to reset its password is on its way.' })
  message: string;
}
