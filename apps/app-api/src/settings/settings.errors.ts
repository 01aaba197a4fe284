import { DomainException, type FieldError } from '@helpdeskly/errors';

export enum SettingsErrorCode {
  InvalidSla = 'invalid_sla',
}

const SETTINGS_ERRORS: Readonly<Record<SettingsErrorCode, { status: number; title: string }>> = {
  [SettingsErrorCode.InvalidSla]: { status: 422, title: 'Invalid SLA targets' },
};

/** Errors of the tenant's settings, rendered as problem details by the global filter. */
export class SettingsException extends DomainException<SettingsErrorCode> {
  constructor(
    readonly code: SettingsErrorCode,
    detail?: string,
    errors?: readonly FieldError[],
  ) {
    super(SETTINGS_ERRORS, code, detail, errors ? { errors } : {});
  }
}
