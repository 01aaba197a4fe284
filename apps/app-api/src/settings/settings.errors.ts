import { type CodeOf, defineErrors, type FieldError } from '@helpdeskly/errors';

const settings = defineErrors('settings', {
  InvalidSla: { code: 'invalid_sla', status: 422, title: 'Invalid SLA targets' },
});

export const SettingsErrorCode = settings.codes;
export type SettingsErrorCode = CodeOf<typeof SettingsErrorCode>;

/** Errors of the tenant's settings, rendered as problem details by the global filter. */
export class SettingsException extends settings.Exception {
  constructor(code: SettingsErrorCode, detail?: string, errors?: readonly FieldError[]) {
    super(code, detail, { errors });
  }
}
