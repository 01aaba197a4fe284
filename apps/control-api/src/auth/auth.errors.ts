import { DomainException, type FieldError } from '@helpdeskly/errors';

export enum AuthenticationErrorCode {
  EmailTaken = 'email_taken',
  WeakPassword = 'weak_password',
  PasswordTooLong = 'password_too_long',
  InvalidCredentials = 'invalid_credentials',
  TenantRequired = 'tenant_required',
  NotAMember = 'not_a_member',
  TenantUnavailable = 'tenant_unavailable',
  InvalidChallenge = 'invalid_challenge',
  InvalidTwoFactorCode = 'invalid_two_factor_code',
  TwoFactorEnrollmentRequired = 'two_factor_enrollment_required',
  InvalidRefreshToken = 'invalid_refresh_token',
  RefreshTokenReused = 'refresh_token_reused',
}

const AUTHENTICATION_ERRORS: Readonly<Record<AuthenticationErrorCode, { status: number; title: string }>> = {
  [AuthenticationErrorCode.EmailTaken]: { status: 409, title: 'Email already registered' },
  [AuthenticationErrorCode.WeakPassword]: { status: 422, title: 'Password too weak' },
  [AuthenticationErrorCode.PasswordTooLong]: { status: 400, title: 'Password too long' },
  [AuthenticationErrorCode.InvalidCredentials]: { status: 401, title: 'Invalid credentials' },
  [AuthenticationErrorCode.TenantRequired]: { status: 422, title: 'Tenant required' },
  [AuthenticationErrorCode.NotAMember]: { status: 403, title: 'Not a member of this tenant' },
  [AuthenticationErrorCode.TenantUnavailable]: { status: 403, title: 'Tenant unavailable' },
  [AuthenticationErrorCode.InvalidChallenge]: { status: 401, title: 'Invalid or used 2FA challenge' },
  [AuthenticationErrorCode.InvalidTwoFactorCode]: { status: 401, title: 'Invalid two-factor code' },
  [AuthenticationErrorCode.TwoFactorEnrollmentRequired]: { status: 403, title: 'Two-factor enrolment required' },
  [AuthenticationErrorCode.InvalidRefreshToken]: { status: 401, title: 'Invalid refresh token' },
  [AuthenticationErrorCode.RefreshTokenReused]: { status: 401, title: 'Refresh token reused' },
};

/** Errors of sign-up, login and sessions, rendered as problem details by the global filter. */
export class AuthenticationException extends DomainException<AuthenticationErrorCode> {
  constructor(
    readonly code: AuthenticationErrorCode,
    detail?: string,
    extra: {
      errors?: readonly FieldError[];
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(AUTHENTICATION_ERRORS, code, detail, extra);
  }
}
