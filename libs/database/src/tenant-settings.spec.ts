import { describe, it } from 'node:test';
import { expect } from 'expect';
import { applySettingsChange, storedSettingsOf, tenantSettingsOf } from './tenant-settings';

describe('tenantSettingsOf', () => {
  it('gives the defaults for nothing stored', () => {
    expect(tenantSettingsOf(storedSettingsOf(null))).toEqual({ require2faForAdmins: false, emailSenderName: null });
    expect(tenantSettingsOf(storedSettingsOf([true]))).toEqual({ require2faForAdmins: false, emailSenderName: null });
  });

  it('reads values set by hand as login and the mailer do', () => {
    expect(tenantSettingsOf({ require2faForAdmins: 'true', emailSenderName: '  ' })).toEqual({
      require2faForAdmins: false,
      emailSenderName: null,
    });
    expect(tenantSettingsOf({ require2faForAdmins: true, emailSenderName: ' Acme Support ' })).toEqual({
      require2faForAdmins: true,
      emailSenderName: 'Acme Support',
    });
    expect(tenantSettingsOf({ emailSenderName: 42 }).emailSenderName).toBeNull();
  });
});

describe('applySettingsChange', () => {
  it('changes only the fields named and keeps unknown keys', () => {
    const sut = applySettingsChange({ require2faForAdmins: true, other: { x: 1 } }, { emailSenderName: 'Acme' });
    expect(sut).toEqual({ require2faForAdmins: true, emailSenderName: 'Acme', other: { x: 1 } });
  });

  it('removes the sender name on null, and sets false explicitly', () => {
    expect(
      applySettingsChange(
        { emailSenderName: 'Acme', require2faForAdmins: true },
        { emailSenderName: null, require2faForAdmins: false },
      ),
    ).toEqual({ require2faForAdmins: false });
  });

  it('leaves the stored value it was given untouched', () => {
    const stored = { emailSenderName: 'Acme' };
    applySettingsChange(stored, { emailSenderName: null });
    expect(stored).toEqual({ emailSenderName: 'Acme' });
  });
});
