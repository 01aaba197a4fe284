import { Global, Logger, Module } from '@nestjs/common';
import { Secrets } from '@helpdeskly/secrets';
import { ControlDatabase } from './control-database';
import { SecretBox } from './crypto/secret-box';

/** A SecretBox over the keys of {@link Secrets}, re-keyed when a rotation is read (Vault). */
function secretBoxOf(secrets: Secrets): SecretBox {
  const { keys, current } = secrets.encryptionKeys();
  const box = new SecretBox(keys, current);
  secrets.onChange(() => {
    const next = secrets.encryptionKeys();
    try {
      box.rekey(next.keys, next.current);
    } catch (error) {
      new Logger('SecretBox').error(
        { err: error },
        'the rotated encryption keys are unusable; the previous keys stay in use',
      );
    }
  });
  return box;
}

/** The control database and the SecretBox that seals tenant database passwords and TOTP secrets. */
@Global()
@Module({
  providers: [ControlDatabase, { provide: SecretBox, useFactory: secretBoxOf, inject: [Secrets] }],
  exports: [ControlDatabase, SecretBox],
})
export class DatabaseModule {}
