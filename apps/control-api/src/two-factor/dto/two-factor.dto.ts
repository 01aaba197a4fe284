import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

const SIX_DIGITS = /^\d{6}$/;

export class TwoFactorCodeDto {
  @ApiProperty({ description: 'Six-digit code of the authenticator app', example: '123456' })
  @IsString()
  @Matches(SIX_DIGITS, { message: 'code must be six digits' })
  code: string;
}

export class DisableTwoFactorDto extends TwoFactorCodeDto {
  @ApiProperty({ description: 'The account password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password: string;
}

export class TwoFactorSetupDto {
  @ApiProperty({
    description: 'Base32 TOTP secret; shown this once, never again',
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  })
  secret: string;
  @ApiProperty({ example: 'otpauth://totp/Helpdeskly:ada%40example.com?secret=...&issuer=Helpdeskly' })
  otpauthUrl: string;
  @ApiProperty({ description: 'The otpauth URL as a PNG QR code', example: 'data:image/png;base64,...' })
  qrCodeDataUrl: string;
}

export class RecoveryCodesDto {
  @ApiProperty({
    type: [String],
    description: 'Ten one-time codes, shown this once; each replaces a TOTP code at login once',
    example: ['k7m2p-x9q4r'],
  })
  recoveryCodes: string[];
}
