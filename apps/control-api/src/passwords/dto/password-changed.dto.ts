import { ApiProperty } from '@nestjs/swagger';
import { SessionTokensDto } from '../../auth/dto/session.dto';

/** New tokens for the caller's tenant: every earlier session of the user, this one's included, was revoked. */
export class PasswordChangedDto extends SessionTokensDto {
  @ApiProperty({ description: 'Sessions (refresh token families) revoked', example: 2 }) revokedSessions: number;
}
