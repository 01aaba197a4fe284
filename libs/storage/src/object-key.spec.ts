import { describe, it } from 'node:test';
import { expect } from 'expect';
import { assertObjectKey, assertObjectPrefix, MAX_KEY_BYTES, tenantKey, tenantPrefix } from './object-key';
import { InvalidObjectKeyError } from './storage.errors';

describe(assertObjectKey.name, () => {
  it('accepts the keys of the tenants/<tenantId>/... layout, Unicode and dots included', () => {
    for (const key of [
      'tenants/5ba631bd-2f0b-4a83-abb0-5b0720e0adea/attachments/0c1d/report.pdf',
      'a',
      'tenants/t1/Résumé – final (2).tar.gz',
      'x/..hidden/v1..2/...',
      'é'.repeat(MAX_KEY_BYTES / 2),
    ])
      expect(() => assertObjectKey(key)).not.toThrow();
  });

  const refused: [string, string, RegExp][] = [
    ['empty', '', /non-empty/],
    ['a leading slash', '/tenants/t1/a', /starts with "\/"/],
    ['a trailing slash', 'tenants/t1/', /empty segment/],
    ['an empty segment', 'tenants//a', /empty segment/],
    ['a ".." segment', 'tenants/t1/../t2/a', /".." segment/],
    ['a ".." key', '..', /".." segment/],
    ['a "." segment', 'tenants/./a', /"\." segment/],
    ['a NUL', 'tenants/t1/a\u0000b', /control character/],
    ['a newline', 'tenants/t1/a\nb', /control character/],
    ['DEL', 'tenants/t1/a\u007f', /control character/],
    ['a C1 control', 'tenants/t1/a\u0085', /control character/],
    ['a backslash', 'tenants\\t1', /backslash/],
    ['a lone surrogate', 'tenants/t1/\ud800', /lone surrogate/],
    ['1025 bytes', 'a'.repeat(MAX_KEY_BYTES + 1), /longer than 1024 UTF-8 bytes/],
    ['513 two-byte characters (1026 bytes)', 'é'.repeat(MAX_KEY_BYTES / 2 + 1), /longer than 1024/],
  ];
  for (const [what, key, reason] of refused)
    it(`refuses a key with ${what}, naming the key and the reason`, () => {
      const error = catchError(() => assertObjectKey(key));
      expect(error).toBeInstanceOf(InvalidObjectKeyError);
      expect((error as InvalidObjectKeyError).key).toBe(key);
      expect((error as Error).message).toMatch(reason);
      expect((error as Error).message).toContain(JSON.stringify(key));
    });

  it('refuses what is not a string', () => {
    expect(() => assertObjectKey(undefined as unknown as string)).toThrow(InvalidObjectKeyError);
  });
});

describe(assertObjectPrefix.name, () => {
  it('accepts a valid key followed by "/"', () => {
    expect(() => assertObjectPrefix('tenants/t1/')).not.toThrow();
    expect(() => assertObjectPrefix('tenants/t1/attachments/')).not.toThrow();
  });

  it('refuses a prefix without its "/" (tenants/1 would reach tenants/10/), the whole store, and invalid keys', () => {
    expect(() => assertObjectPrefix('tenants/1')).toThrow('a prefix must end with "/"');
    expect(() => assertObjectPrefix('')).toThrow(InvalidObjectKeyError);
    expect(() => assertObjectPrefix('/')).toThrow(InvalidObjectKeyError);
    expect(() => assertObjectPrefix('tenants//')).toThrow(/empty segment/);
    expect(() => assertObjectPrefix('tenants/../')).toThrow(/".." segment/);
  });
});

describe(tenantKey.name, () => {
  it('builds tenants/<tenantId>/<path> and validates it', () => {
    expect(tenantPrefix('t1')).toBe('tenants/t1/');
    expect(tenantKey('t1', 'attachments', 'a.pdf')).toBe('tenants/t1/attachments/a.pdf');
    expect(() => tenantKey('t1', '..', 'x')).toThrow(/".." segment/);
    expect(() => tenantKey('t1')).toThrow(/empty segment/);
  });

  it('refuses a tenant id that is not one segment', () => {
    for (const id of ['', 't1/t2', '..', 't\n']) expect(() => tenantPrefix(id)).toThrow(InvalidObjectKeyError);
  });
});

function catchError(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
