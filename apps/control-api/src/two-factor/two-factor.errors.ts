import { DomainException } from '@helpdeskly/errors';

export enum TwoFactorErrorCode {
  AlreadyEnabled = 'two_factor_already_enabled',
  NotPending = 'two_factor_not_pending',
  NotEnabled = 'two_factor_not_enabled',
  WrongCode = 'wrong_two_factor_code',
  WrongPassword = 'wrong_password',
}

const TWO_FACTOR_ERRORS: Readonly<Record<TwoFactorErrorCode, { status: number; title: string }>> = {
  [TwoFactorErrorCode.AlreadyEnabled]: { status: 409, title: 'Two-factor authentication already enabled' },
  [TwoFactorErrorCode.NotPending]: { status: 409, title: 'No two-factor setup in progress' },
  [TwoFactorErrorCode.NotEnabled]: { status: 409, title: 'Two-factor authentication not enabled' },
  [TwoFactorErrorCode.WrongCode]: { status: 422, title: 'Wrong two-factor code' },
  [TwoFactorErrorCode.WrongPassword]: { status: 422, title: 'Wrong password' },
};

/** Errors of managing 2FA (setup, enable, disable, recovery codes). */
export class TwoFactorException extends DomainException<TwoFactorErrorCode> {
  constructor(
    readonly code: TwoFactorErrorCode,
    detail?: string,
  ) {
    super(TWO_FACTOR_ERRORS, code, detail);
  }
}
