import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const admin = defineErrors('admin', {
  TwoFactorRequired: {
    code: 'admin_two_factor_required',
    status: 403,
    title: 'Platform administrators need two-factor authentication',
  },
});

export const AdminErrorCode = admin.codes;
export type AdminErrorCode = CodeOf<typeof AdminErrorCode>;

/** Errors of the platform administration as a whole (each area has its own, e.g. admin-queues.errors.ts). */
export class AdminException extends admin.Exception {}
