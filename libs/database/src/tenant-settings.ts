/**
 * The tenant's account settings, as the control database's `tenants.settings` JSON holds them:
 * read here for every consumer (login's 2FA rule, app-api's sender name, the settings routes).
 */
export interface TenantSettings {
  /** OWNERs and ADMINs without 2FA get an enrolment token instead of tokens at login (auth.service.ts). */
  readonly require2faForAdmins: boolean;
  /** Display name of the From header of the tenant's emails (app-api's senderNameOf); null: the tenant's name. */
  readonly emailSenderName: string | null;
}

export type StoredSettings = Record<string, unknown>;

/** What a change names; an absent field is kept, a null emailSenderName clears it. */
export interface TenantSettingsChange {
  readonly require2faForAdmins?: boolean;
  readonly emailSenderName?: string | null;
}

/** The stored JSON as an object: anything else (set by hand in SQL) counts as no settings. */
export function storedSettingsOf(value: unknown): StoredSettings {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as StoredSettings) : {};
}

/** The settings a stored value means, read as their consumers read them (only `true` requires 2FA; a blank name is none). */
export function tenantSettingsOf(stored: StoredSettings): TenantSettings {
  const name = stored.emailSenderName;
  return {
    require2faForAdmins: stored.require2faForAdmins === true,
    emailSenderName: typeof name === 'string' && name.trim() !== '' ? name.trim() : null,
  };
}

/** The stored value after `change`: keys it does not name (set by hand or by a later feature) are kept. */
export function applySettingsChange(stored: StoredSettings, change: TenantSettingsChange): StoredSettings {
  const next: Record<string, unknown> = { ...stored };
  if (change.require2faForAdmins !== undefined) next.require2faForAdmins = change.require2faForAdmins;
  if (change.emailSenderName === null) delete next.emailSenderName;
  else if (change.emailSenderName !== undefined) next.emailSenderName = change.emailSenderName;
  return next;
}
