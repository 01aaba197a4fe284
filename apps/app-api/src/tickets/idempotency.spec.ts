import { describe, it } from 'node:test';
import { expect } from 'expect';
import { ValidationProblem } from '@helpdeskly/errors';
import { idempotencyKeyOf, requestHash } from './idempotency';

describe('requestHash', () => {
  it('ignores the order of keys', () => {
    expect(requestHash('POST', '/v1/tickets', { a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      requestHash('POST', '/v1/tickets', { b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
  });

  it('differs for another body or route', () => {
    const sut = requestHash('POST', '/v1/tickets', { a: 1 });
    expect(requestHash('POST', '/v1/tickets', { a: 2 })).not.toBe(sut);
    expect(requestHash('POST', '/v1/other', { a: 1 })).not.toBe(sut);
  });
});

describe('idempotencyKeyOf', () => {
  it('accepts visible ASCII up to 255 characters', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('retry-123_abc')).toBe('retry-123_abc');
  });

  it('refuses an empty, too long or non-ASCII key', () => {
    for (const bad of ['', 'x'.repeat(256), 'clé', 'a b'])
      expect(() => idempotencyKeyOf(bad)).toThrow(ValidationProblem);
  });
});
