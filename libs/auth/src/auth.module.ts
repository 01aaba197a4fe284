import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenService } from './access-token.service';
import { SessionRevocations } from './session-revocations';

/** Token signing and verification, the session deny-list, and the deny-by-default guard of the app that imports it. */
@Global()
@Module({
  providers: [
    AccessTokenService,
    SessionRevocations,
    AccessTokenGuard,
    { provide: APP_GUARD, useExisting: AccessTokenGuard },
  ],
  exports: [AccessTokenService, SessionRevocations],
})
export class AuthModule {}
