import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const twoFactor = defineErrors('two-factor', {
  AlreadyEnabled: {
    code: 'two_factor_already_enabled',
    status: 409,
    title: 'Two-factor authentication already enabled',
  },
  NotPending: { code: 'two_factor_not_pending', status: 409, title: 'No two-factor setup in progress' },
  NotEnabled: { code: 'two_factor_not_enabled', status: 409, title: 'Two-factor authentication not enabled' },
  WrongCode: { code: 'wrong_two_factor_code', status: 422, title: 'Wrong two-factor code' },
  WrongPassword: { code: 'wrong_password', status: 422, title: 'Wrong password' },
});

export const TwoFactorErrorCode = twoFactor.codes;
export type TwoFactorErrorCode = CodeOf<typeof TwoFactorErrorCode>;

/** Errors of managing 2FA (setup, enable, disable, recovery codes). */
export class TwoFactorException extends twoFactor.Exception {}
