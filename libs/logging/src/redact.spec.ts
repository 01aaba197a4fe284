import { describe, it } from 'node:test';
import { expect } from 'expect';
import { REDACTED, redactSecrets, redactString } from './redact';

describe(redactSecrets.name, () => {
  it('masks values under secret-looking keys at any depth', () => {
    const out = redactSecrets({
      user: { email: 'a@example.com', password: 'p@ss', passwordHash: '$2b$12$abc', totpSecret: 'JBSWY3DPEHPK3PXP' },
      refreshToken: 'r-123',
      headers: { authorization: 'Bearer abc', cookie: 'sid=1' },
      recoveryCodes: ['a1', 'b2'],
      auth: { jwtSecret: 'j', dbEncryptionKey: 'k' },
      databasePasswordEnc: 'v1:x',
      list: [{ apiKey: 'k1' }],
    });
    expect(out).toEqual({
      user: { email: 'a@example.com', password: REDACTED, passwordHash: REDACTED, totpSecret: REDACTED },
      refreshToken: REDACTED,
      headers: { authorization: REDACTED, cookie: REDACTED },
      recoveryCodes: REDACTED,
      auth: { jwtSecret: REDACTED, dbEncryptionKey: REDACTED },
      databasePasswordEnc: REDACTED,
      list: [{ apiKey: REDACTED }],
    });
  });

  it('keeps ordinary fields, including error codes', () => {
    expect(redactSecrets({ code: 'P2002', status: 409, tenantId: 't1' })).toEqual({
      code: 'P2002',
      status: 409,
      tenantId: 't1',
    });
  });

  it('masks passwords inside connection URLs, JWTs and bearer tokens in free text', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(redactString(`connect postgresql://t_acme:s3cr3t@pgbouncer:6432/acme failed`)).toBe(
      `connect postgresql://t_acme:${REDACTED}@pgbouncer:6432/acme failed`,
    );
    expect(redactString(`token ${jwt} rejected`)).toBe(`token ${REDACTED} rejected`);
    expect(redactString('Authorization: Bearer opaque.value-1')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactString('redis://:pw@redis:6379/0')).toBe(`redis://:${REDACTED}@redis:6379/0`);
  });

  it('copies errors with their message and stack, masked', () => {
    const error = new Error('auth failed for postgresql://u:hunter2@h/db');
    const out = redactSecrets({ err: error }) as unknown as { err: { message: string; stack: string; type: string } };
    expect(out.err.type).toBe('Error');
    expect(out.err.message).not.toContain('hunter2');
    expect(out.err.stack).not.toContain('hunter2');
  });

  it('survives cycles and very deep objects', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(() => JSON.stringify(redactSecrets(a))).not.toThrow();
  });
});

describe(redactString.name, () => {
  it('masks assignments of secrets in free text', () => {
    expect(redactString('login failed with password=hunter2 for bob')).toBe(
      `login failed with password=${REDACTED} for bob`,
    );
    expect(redactString('secret: "abc def", token=xyz&next=1')).toBe(`secret: ${REDACTED}, token=${REDACTED}&next=1`);
  });
});
