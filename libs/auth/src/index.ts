export { AccessTokenGuard } from './access-token.guard';
export {
  AccessTokenService,
  durationSeconds,
  keyIdOf,
  type SignedToken,
  type TokenPurpose,
} from './access-token.service';
export { type JwtKeys, JwtKeySource } from './jwt-key-source';
export { type AuthContext, MEMBERSHIP_ROLES, type MembershipRoleName } from './auth-context';
export {
  CurrentAuth,
  PLATFORM_ADMIN_ONLY,
  PlatformAdmin,
  Public,
  PUBLIC_ROUTE,
  REQUIRED_ROLES,
  Roles,
  SKIP_RATE_LIMIT,
  SkipRateLimit,
} from './auth.decorators';
export { AuthErrorCode, AuthException } from './auth.errors';
export { AuthModule } from './auth.module';
export { RevokedSessionsSource, revokedSessionKey, SessionRevocations } from './session-revocations';
