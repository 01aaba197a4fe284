import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const passwords = defineErrors('passwords', {
  // 403, not 401: the access token is fine, and a client must not take this for a logout.
  InvalidCurrentPassword: { code: 'invalid_current_password', status: 403, title: 'Current password is wrong' },
  InvalidResetToken: { code: 'invalid_reset_token', status: 400, title: 'Invalid password reset token' },
  ResetTokenUsed: { code: 'reset_token_used', status: 409, title: 'Password reset token already used' },
  ResetTokenExpired: { code: 'reset_token_expired', status: 410, title: 'Password reset token expired' },
});

export const PasswordsErrorCode = passwords.codes;
export type PasswordsErrorCode = CodeOf<typeof PasswordsErrorCode>;

/** Errors of password change and reset, rendered as problem details by the global filter. */
export class PasswordsException extends passwords.Exception {}
