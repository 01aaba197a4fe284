import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@helpdeskly/auth';
import { RateLimit } from '@helpdeskly/rate-limit';
import { Client, type ClientInfo } from '../common/client-info';
import { DisableTwoFactorDto, RecoveryCodesDto, TwoFactorCodeDto, TwoFactorSetupDto } from './dto/two-factor.dto';
import { CurrentTwoFactorActor, TwoFactorActorGuard } from './two-factor-actor.guard';
import { type TwoFactorActor, TwoFactorService } from './two-factor.service';

@ApiTags('two-factor')
@ApiBearerAuth()
@Controller('auth/2fa')
export class TwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  /** Starts enrolment: a new TOTP secret (with an access token, or the enrolment token of a login). */
  @Post('setup')
  @HttpCode(HttpStatus.OK)
  @Public()
  @UseGuards(TwoFactorActorGuard)
  @ApiOkResponse({ type: TwoFactorSetupDto })
  setup(@CurrentTwoFactorActor() actor: TwoFactorActor, @Client() client: ClientInfo) {
    return this.twoFactor.setup(actor, client);
  }

  /** Turns 2FA on with a code of the new secret; returns the recovery codes once. */
  @Post('enable')
  @RateLimit('auth', { account: 'user' })
  @HttpCode(HttpStatus.OK)
  @Public()
  @UseGuards(TwoFactorActorGuard)
  @ApiOkResponse({ type: RecoveryCodesDto })
  enable(@CurrentTwoFactorActor() actor: TwoFactorActor, @Body() dto: TwoFactorCodeDto, @Client() client: ClientInfo) {
    return this.twoFactor.enable(actor, dto.code, client);
  }

  @Post('disable')
  @RateLimit('auth', { account: 'user' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: '2FA is off and the recovery codes are deleted' })
  async disable(
    @CurrentTwoFactorActor() actor: TwoFactorActor,
    @Body() dto: DisableTwoFactorDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.twoFactor.disable(actor, dto.password, dto.code, client);
  }

  @Post('recovery-codes')
  @RateLimit('auth', { account: 'user' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: RecoveryCodesDto })
  regenerateRecoveryCodes(
    @CurrentTwoFactorActor() actor: TwoFactorActor,
    @Body() dto: TwoFactorCodeDto,
    @Client() client: ClientInfo,
  ) {
    return this.twoFactor.regenerateRecoveryCodes(actor, dto.code, client);
  }
}
