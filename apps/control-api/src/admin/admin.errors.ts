import { DomainException } from '@helpdeskly/errors';

export enum AdminErrorCode {
  TwoFactorRequired = 'admin_two_factor_required',
}

const ADMIN_ERRORS: Readonly<Record<AdminErrorCode, { status: number; title: string }>> = {
  [AdminErrorCode.TwoFactorRequired]: { status: 403, title: 'Platform administrators need two-factor authentication' },
};

/** Errors of the platform administration as a whole (each area has its own, e.g. admin-queues.errors.ts). */
export class AdminException extends DomainException<AdminErrorCode> {
  constructor(
    readonly code: AdminErrorCode,
    detail?: string,
  ) {
    super(ADMIN_ERRORS, code, detail);
  }
}
