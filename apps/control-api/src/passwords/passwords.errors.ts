import { DomainException } from '@helpdeskly/errors';

export enum PasswordsErrorCode {
  InvalidCurrentPassword = 'invalid_current_password',
  InvalidResetToken = 'invalid_reset_token',
  ResetTokenUsed = 'reset_token_used',
  ResetTokenExpired = 'reset_token_expired',
}

const PASSWORDS_ERRORS: Readonly<Record<PasswordsErrorCode, { status: number; title: string }>> = {
  // 403, not 401: the access token is fine, and a client must not take this for a logout.
  [PasswordsErrorCode.InvalidCurrentPassword]: { status: 403, title: 'Current password is wrong' },
  [PasswordsErrorCode.InvalidResetToken]: { status: 400, title: 'Invalid password reset token' },
  [PasswordsErrorCode.ResetTokenUsed]: { status: 409, title: 'Password reset token already used' },
  [PasswordsErrorCode.ResetTokenExpired]: { status: 410, title: 'Password reset token expired' },
};

/** Errors of password change and reset, rendered as problem details by the global filter. */
export class PasswordsException extends DomainException<PasswordsErrorCode> {
  constructor(
    readonly code: PasswordsErrorCode,
    detail?: string,
  ) {
    super(PASSWORDS_ERRORS, code, detail);
  }
}
