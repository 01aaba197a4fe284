import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { ControlDatabase } from './control-database';
import { SecretBox } from './crypto/secret-box';

/** The control database and the SecretBox that seals tenant database passwords and TOTP secrets. */
@Global()
@Module({
  providers: [ControlDatabase, { provide: SecretBox, useFactory: (config: AppConfig) => SecretBox.fromKey(config.auth.dbEncryptionKey), inject: [AppConfig] }],
  exports: [ControlDatabase, SecretBox],
})
export class DatabaseModule {}
