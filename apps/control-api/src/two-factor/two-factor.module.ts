import { Module } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { SecretBox } from '@helpdeskly/database';
import { TotpService } from './totp.service';
import { TwoFactorActorGuard } from './two-factor-actor.guard';
import { TwoFactorController } from './two-factor.controller';
import { TwoFactorService } from './two-factor.service';

/** TOTP 2FA: enrolment, recovery codes, and the second factor of a login. */
@Module({
  controllers: [TwoFactorController],
  providers: [
    // TOTP secrets are sealed with DB_ENCRYPTION_KEY, like tenant database passwords.
    { provide: SecretBox, useFactory: (config: AppConfig) => SecretBox.fromKey(config.auth.dbEncryptionKey), inject: [AppConfig] },
    TotpService,
    TwoFactorActorGuard,
    TwoFactorService,
  ],
  exports: [TwoFactorService],
})
export class TwoFactorModule {}
