import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { type AuthContext, CurrentAuth, Public } from '@helpdeskly/auth';
import { RateLimit } from '@helpdeskly/rate-limit';
import { AuthenticationErrorCode } from '../auth/auth.errors';
import { SessionCookie } from '../auth/session-cookie/session-cookie.interceptor';
import { Client, type ClientInfo } from '../common/client-info';
import { ChangePasswordDto } from './dto/change-password.dto';
import { ForgotPasswordAcceptedDto, ForgotPasswordDto } from './dto/forgot-password.dto';
import { PasswordChangedDto } from './dto/password-changed.dto';
import { PasswordResetDto, ResetPasswordDto } from './dto/reset-password.dto';
import { PasswordsErrorCode } from './passwords.errors';
import { PasswordsService } from './passwords.service';

@ApiTags('passwords')
@Controller('auth/password')
export class PasswordsController {
  constructor(private readonly passwords: PasswordsService) {}

  @Post('change')
  @RateLimit('auth', { account: 'user' })
  @SessionCookie()
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change the password',
    description:
      'Needs the current password. Revokes every session of the user and returns new tokens for this tenant.',
  })
  @ApiOkResponse({ type: PasswordChangedDto })
  @ApiProblems(PasswordsErrorCode.InvalidCurrentPassword, AuthenticationErrorCode.WeakPassword)
  change(
    @CurrentAuth() auth: AuthContext,
    @Body() dto: ChangePasswordDto,
    @Client() client: ClientInfo,
  ): Promise<PasswordChangedDto> {
    return this.passwords.change(auth, dto, client);
  }

  @Public()
  @Post('forgot')
  @RateLimit('auth', { account: { body: 'email', lowercase: true } })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Email a password reset link',
    description:
      'Same answer whether or not the email has an account. The link is valid PASSWORD_RESET_TTL_MINUTES, once.',
  })
  @ApiAcceptedResponse({ type: ForgotPasswordAcceptedDto })
  forgot(@Body() dto: ForgotPasswordDto, @Client() client: ClientInfo): Promise<ForgotPasswordAcceptedDto> {
    return this.passwords.forgot(dto.email, client);
  }

  @Public()
  @Post('reset')
  @RateLimit('auth', { account: { body: 'token' } })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Set a new password with an emailed link',
    description: 'Single use. Revokes every session of the user and lifts a lockout.',
  })
  @ApiOkResponse({ type: PasswordResetDto })
  @ApiProblems(
    PasswordsErrorCode.ResetTokenUsed,
    PasswordsErrorCode.ResetTokenExpired,
    AuthenticationErrorCode.WeakPassword,
  )
  reset(@Body() dto: ResetPasswordDto, @Client() client: ClientInfo): Promise<PasswordResetDto> {
    return this.passwords.reset(dto, client);
  }
}
