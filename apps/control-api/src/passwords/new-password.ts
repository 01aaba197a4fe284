import { assertAcceptablePassword } from '../auth/password-policy';
import { AuthenticationException } from '../auth/auth.errors';

/** The password policy for a field other than `body.password` (`body.newPassword` here): same rules, errors named after the field. */
export function assertAcceptableNewPassword(password: string, minLength: number, context: { email: string; name: string }, field = 'body.newPassword'): void {
  try {
    assertAcceptablePassword(password, minLength, context);
  } catch (error) {
    if (!(error instanceof AuthenticationException)) throw error;
    throw new AuthenticationException(error.code, error.problem.detail, { errors: error.problem.errors?.map((e) => ({ ...e, field, message: e.message.replace(/^password\b/, field.split('.').pop()!) })) });
  }
}
