import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const authentication = defineErrors('authentication', {
  EmailTaken: { code: 'email_taken', status: 409, title: 'Email already registered' },
  WeakPassword: { code: 'weak_password', status: 422, title: 'Password too weak' },
  PasswordTooLong: { code: 'password_too_long', status: 400, title: 'Password too long' },
  InvalidCredentials: { code: 'invalid_credentials', status: 401, title: 'Invalid credentials' },
  TenantRequired: { code: 'tenant_required', status: 422, title: 'Tenant required' },
  NotAMember: { code: 'not_a_member', status: 403, title: 'Not a member of this tenant' },
  TenantUnavailable: { code: 'tenant_unavailable', status: 403, title: 'Tenant unavailable' },
  InvalidChallenge: { code: 'invalid_challenge', status: 401, title: 'Invalid or used 2FA challenge' },
  InvalidTwoFactorCode: { code: 'invalid_two_factor_code', status: 401, title: 'Invalid two-factor code' },
  TwoFactorEnrollmentRequired: {
    code: 'two_factor_enrollment_required',
    status: 403,
    title: 'Two-factor enrolment required',
  },
  InvalidRefreshToken: { code: 'invalid_refresh_token', status: 401, title: 'Invalid refresh token' },
  RefreshTokenReused: { code: 'refresh_token_reused', status: 401, title: 'Refresh token reused' },
  CsrfRejected: { code: 'csrf_rejected', status: 403, title: 'Cross-site request refused' },
  UnknownSessionTransport: { code: 'unknown_session_transport', status: 400, title: 'Unknown session transport' },
});

export const AuthenticationErrorCode = authentication.codes;
export type AuthenticationErrorCode = CodeOf<typeof AuthenticationErrorCode>;

/** Errors of sign-up, login and sessions, rendered as problem details by the global filter. */
export class AuthenticationException extends authentication.Exception {}

/** 403 not_a_member: the caller named a tenant they do not belong to. */
export const notAMemberOf = (tenantSlug: string): AuthenticationException =>
  new AuthenticationException(AuthenticationErrorCode.NotAMember, `You are not a member of a tenant "${tenantSlug}".`);
