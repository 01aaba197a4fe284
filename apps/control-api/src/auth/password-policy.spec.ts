import { describe, it } from 'node:test';
import { expect } from 'expect';
import { unitConfig } from '@helpdeskly/testing';
import { AuthenticationException } from './auth.errors';
import { assertPasswordFits, commonPasswords, PasswordPolicy } from './password-policy';

const sut = new PasswordPolicy(unitConfig({ PASSWORD_MIN_LENGTH: '10', PASSWORD_MIN_SCORE: '3' }));

/** The problem details as the body has them (extension members at the top level). */
function problemOf(fn: () => void): (Record<string, any> & { errors?: readonly unknown[] }) | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!(error instanceof AuthenticationException)) throw error;
    return { ...error.problem, ...error.problem.extensions };
  }
}
const rejection = (password: string, context?: { email?: string; name?: string }, field?: string) =>
  problemOf(() => sut.assertAcceptable(password, context, field));

describe(PasswordPolicy.name, () => {
  it('ships the 10,000 most common passwords', () => {
    expect(commonPasswords().size).toBe(10_000);
    expect(commonPasswords().has('password')).toBe(true);
  });

  it('accepts long, uncommon passwords (those the tests and the seed use included)', () => {
    for (const password of [
      'Correct-Horse-Battery-42',
      'Unusual-0a1b2c3d4e5f-Pass!',
      'Fixture-Password-0a1b2c3d4e',
      'Analytical-Engine-1843',
    ])
      expect(rejection(password)).toBeUndefined();
  });

  it("refuses Password1! as too guessable, with zxcvbn's reason and suggestions", () => {
    const problem = rejection('Password1!');
    expect(problem).toMatchObject({
      status: 422,
      code: 'weak_password',
      minScore: 3,
      warning: 'This is similar to a commonly used password.',
      errors: [{ field: 'body.password', code: 'tooGuessable' }],
    });
    expect(problem?.score).toBeLessThan(3);
    expect(problem?.suggestions).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(problem?.detail).toContain('This is similar to a commonly used password.');
  });

  it('refuses a short password as minLength', () => {
    expect(rejection('Sh0rt!x')).toMatchObject({
      status: 422,
      code: 'weak_password',
      errors: [{ field: 'body.password', code: 'minLength' }],
    });
  });

  it('refuses a common password whatever its case, and keyboard walks', () => {
    expect(rejection('1234567890')?.errors).toEqual([expect.objectContaining({ code: 'commonPassword' })]);
    expect(rejection('QwertyuiOP')?.code).toBe('weak_password');
  });

  it("refuses the email or the name, by zxcvbn's user inputs", () => {
    expect(rejection('alice.liddell@example.com', { email: 'Alice.Liddell@example.com' })?.warning).toMatch(/personal/);
    expect(rejection('Alice Liddell Wonder', { name: 'Alice Liddell Wonder' })?.code).toBe('weak_password');
    expect(rejection('Alice Liddell Wonder')).toBeUndefined();
  });

  it('names the field it checks', () => {
    expect(rejection('Password1!', {}, 'body.newPassword')?.errors).toEqual([
      expect.objectContaining({ field: 'body.newPassword', message: expect.stringMatching(/^newPassword /) }),
    ]);
  });

  it('honours PASSWORD_MIN_SCORE', () => {
    const lenient = new PasswordPolicy(unitConfig({ PASSWORD_MIN_SCORE: '0' }));
    expect(problemOf(() => lenient.assertAcceptable('Password1!'))).toBeUndefined();
  });

  it('refuses more than 72 bytes as 400 password_too_long, counting bytes, not characters', () => {
    expect(problemOf(() => assertPasswordFits('a'.repeat(72)))).toBeUndefined();
    expect(problemOf(() => assertPasswordFits('a'.repeat(73)))).toMatchObject({
      status: 400,
      code: 'password_too_long',
      errors: [{ field: 'body.password', code: 'maxBytes' }],
    });
    expect(rejection('é'.repeat(37))).toMatchObject({ status: 400, code: 'password_too_long' });
  });
});
