import { Global, Module } from '@nestjs/common';
import { RevokedSessionsSource } from '@helpdeskly/auth';
import { TenantsModule } from '@helpdeskly/tenants';
import { TwoFactorModule } from '../two-factor/two-factor.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginLockoutService } from './login-lockout.service';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy';
import { RefreshTokensRepository } from './sessions/refresh-tokens.repository';
import { RefreshTokensService } from './sessions/refresh-tokens.service';
import { SignupRepository } from './signup.repository';
import { SignupService } from './signup.service';

/** Sign-up, login, sessions (refresh tokens); exports the password hasher and policy, and the sessions. */
@Global()
@Module({
  imports: [TenantsModule, TwoFactorModule],
  controllers: [AuthController],
  providers: [
    PasswordHasher,
    PasswordPolicy,
    RefreshTokensRepository,
    // The deny-list's answer while Redis is down: the refresh token rows.
    { provide: RevokedSessionsSource, useExisting: RefreshTokensRepository },
    RefreshTokensService,
    LoginLockoutService,
    SignupRepository,
    SignupService,
    AuthService,
  ],
  exports: [PasswordHasher, PasswordPolicy, RefreshTokensService],
})
export class AuthenticationModule {}
