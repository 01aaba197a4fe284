import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenService } from './access-token.service';

/** Token signing and verification, and the deny-by-default guard of the app that imports it. */
@Global()
@Module({
  providers: [AccessTokenService, AccessTokenGuard, { provide: APP_GUARD, useExisting: AccessTokenGuard }],
  exports: [AccessTokenService],
})
export class AuthModule {}
