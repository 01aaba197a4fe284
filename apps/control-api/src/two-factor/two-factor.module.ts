import { Module } from '@nestjs/common';
import { TotpService } from './totp.service';
import { TwoFactorActorGuard } from './two-factor-actor.guard';
import { TwoFactorController } from './two-factor.controller';
import { TwoFactorService } from './two-factor.service';

/** TOTP 2FA: enrolment, recovery codes, and the second factor of a login. */
@Module({
  controllers: [TwoFactorController],
  providers: [TotpService, TwoFactorActorGuard, TwoFactorService],
  exports: [TwoFactorService],
})
export class TwoFactorModule {}
