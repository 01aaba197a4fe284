import { describe, it } from 'node:test';
import { expect } from 'expect';
import { isUniqueViolation } from './unique-violation';

describe('isUniqueViolation', () => {
  it("recognizes Prisma's unique-constraint error", () => {
    expect(isUniqueViolation(Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }))).toBe(true);
  });

  it('is false for other errors and for what is not an error', () => {
    for (const error of [Object.assign(new Error('x'), { code: 'P2025' }), new Error('x'), null, undefined, 'P2002'])
      expect(isUniqueViolation(error)).toBe(false);
  });
});
