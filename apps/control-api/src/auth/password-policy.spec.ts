import { describe, it } from 'node:test';
import { expect } from 'expect';
import { AuthenticationException } from './auth.errors';
import { assertAcceptablePassword, commonPasswords } from './password-policy';

function rejection(password: string, context?: { email?: string; name?: string }) {
  try {
    assertAcceptablePassword(password, 10, context);
    return undefined;
  } catch (error) {
    if (!(error instanceof AuthenticationException)) throw error;
    return error.problem;
  }
}

describe('assertAcceptablePassword', () => {
  it('ships the 10,000 most common passwords', () => {
    expect(commonPasswords().size).toBe(10_000);
    expect(commonPasswords().has('123456')).toBe(true);
    expect(commonPasswords().has('password')).toBe(true);
  });

  it('accepts a long, uncommon password', () => {
    expect(rejection('Correct-Horse-Battery-42')).toBeUndefined();
  });

  it('refuses a short password as weak_password naming body.password', () => {
    expect(rejection('Sh0rt!')).toMatchObject({ status: 422, code: 'weak_password', errors: [{ field: 'body.password', code: 'minLength' }] });
  });

  it('refuses a common password whatever its case', () => {
    expect(rejection('1234567890')?.errors).toEqual([expect.objectContaining({ field: 'body.password', code: 'commonPassword' })]);
    expect(rejection('QWERTYUIOP')?.errors).toEqual([expect.objectContaining({ code: 'commonPassword' })]);
  });

  it('refuses the email, its local part or the name', () => {
    expect(rejection('alice.liddell@example.com', { email: 'Alice.Liddell@example.com' })?.errors).toEqual([expect.objectContaining({ code: 'personalInformation' })]);
    expect(rejection('alice.liddell', { email: 'alice.liddell@example.com' })?.errors).toEqual([expect.objectContaining({ code: 'personalInformation' })]);
    expect(rejection('Alice Liddell Wonder', { name: 'alice liddell wonder' })?.errors).toEqual([expect.objectContaining({ code: 'personalInformation' })]);
  });

  it('refuses a password longer than bcrypt reads', () => {
    expect(rejection('é'.repeat(40))?.errors).toEqual([expect.objectContaining({ code: 'maxBytes' })]);
  });
});
