import { Body, Controller, Get, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { type AuthContext, CurrentAuth, Public } from '@helpdeskly/auth';
import { TenantStatus } from '@helpdeskly/database';
import { RateLimit } from '@helpdeskly/rate-limit';
import { Client, type ClientInfo } from '../common/client-info';
import { PROVISIONING_RETRY_AFTER_SECONDS, TENANT_STATUS_PATH } from '../tenants/tenant-status.controller';
import { AuthService } from './auth.service';
import { LoginTwoFactorDto } from './dto/login-two-factor.dto';
import { LoginDto } from './dto/login.dto';
import { RefreshTokenDto } from './dto/refresh-token.dto';
import { REFRESH_COOKIE, SessionCookie } from './session-cookie/session-cookie.interceptor';
import { MeDto, SessionDto, TwoFactorChallengeDto } from './dto/session.dto';
import { SignupDto } from './dto/signup.dto';
import { SwitchTenantDto } from './dto/switch-tenant.dto';

@ApiTags('auth')
@ApiExtraModels(SessionDto, TwoFactorChallengeDto)
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Creates a user, their tenant (with its own database) and their OWNER membership; signs them in. */
  @Post('signup')
  @Public()
  @RateLimit('auth', { account: { body: 'email', lowercase: true } })
  @SessionCookie()
  @ApiOperation({
    summary: 'Sign up: a user, their tenant and their OWNER membership, signed in',
    description:
      "The user, the tenant and the membership are registered together or not at all; then the tenant's database is made, which takes about a second. 201 when the tenant is ACTIVE; 202 when it is not yet (`tenant.status` PROVISIONING, or FAILED while the provisioning job retries it): the tokens work, app-api answers 503 `tenant_provisioning` until ACTIVE, and `Location` (GET /v1/tenants/current) says when it is, polled every `Retry-After` seconds.",
  })
  @ApiCreatedResponse({ type: SessionDto, description: 'Signed in; `tenant.status` is ACTIVE' })
  @ApiAcceptedResponse({
    type: SessionDto,
    description: 'Signed in; the tenant is not ACTIVE yet',
    headers: {
      Location: {
        description: `${TENANT_STATUS_PATH}: poll it until \`status\` is ACTIVE`,
        schema: { type: 'string' },
      },
      'Retry-After': { description: 'Seconds to wait between polls', schema: { type: 'integer' } },
    },
  })
  async signup(
    @Body() dto: SignupDto,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionDto> {
    const session = await this.auth.signup(dto, client);
    if (session.tenant.status !== TenantStatus.ACTIVE)
      reply
        .status(HttpStatus.ACCEPTED)
        .header('location', TENANT_STATUS_PATH)
        .header('retry-after', String(PROVISIONING_RETRY_AFTER_SECONDS));
    return session;
  }

  /** Tokens for a tenant, or a 2FA challenge to complete at /v1/auth/login/2fa. */
  @Post('login')
  @Public()
  @RateLimit('auth', { account: { body: 'email', lowercase: true } })
  @SessionCookie()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(SessionDto) }, { $ref: getSchemaPath(TwoFactorChallengeDto) }] },
  })
  login(@Body() dto: LoginDto, @Client() client: ClientInfo) {
    return this.auth.login(dto, client);
  }

  @Post('login/2fa')
  @Public()
  @RateLimit('auth', { account: { body: 'challengeToken' } })
  @SessionCookie()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SessionDto })
  loginTwoFactor(@Body() dto: LoginTwoFactorDto, @Client() client: ClientInfo) {
    return this.auth.loginTwoFactor(dto, client);
  }

  /** New tokens for a refresh token, which is spent; reusing a spent one revokes its whole family. */
  @Post('refresh')
  @Public()
  @RateLimit('auth', { account: { body: 'refreshToken', cookie: REFRESH_COOKIE } })
  @SessionCookie({ reads: true })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SessionDto })
  refresh(@Body() dto: RefreshTokenDto, @Client() client: ClientInfo) {
    return this.auth.refresh(dto.refreshToken, client);
  }

  @Post('logout')
  @Public()
  @RateLimit('auth', { account: { body: 'refreshToken', cookie: REFRESH_COOKIE } })
  @SessionCookie({ reads: true, clears: true })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The session of this refresh token is over' })
  async logout(@Body() dto: RefreshTokenDto, @Client() client: ClientInfo): Promise<void> {
    await this.auth.logout(dto.refreshToken, client);
  }

  @Post('logout-all')
  @ApiBearerAuth()
  @SessionCookie({ clears: true })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Every session of the caller is over' })
  async logoutAll(@CurrentAuth() auth: AuthContext, @Client() client: ClientInfo): Promise<void> {
    await this.auth.logoutAll(auth, client);
  }

  @Post('switch-tenant')
  @ApiBearerAuth()
  @SessionCookie()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SessionDto })
  switchTenant(@CurrentAuth() auth: AuthContext, @Body() dto: SwitchTenantDto, @Client() client: ClientInfo) {
    return this.auth.switchTenant(auth, dto.tenantSlug, client);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: MeDto })
  me(@CurrentAuth() auth: AuthContext) {
    return this.auth.me(auth);
  }
}
