import { describe, it } from 'node:test';
import { expect } from 'expect';
import { findInvalidText, hasUnstorableText, invalidTextProblem, MAX_INPUT_DEPTH } from './invalid-text';

describe(findInvalidText.name, () => {
  it('finds NUL and unpaired surrogates, and lets paired surrogates, RTL marks and other text through', () => {
    for (const bad of ['a\u0000b', '\u0000', '\ud800@example.com', 'x\udc00', 'a\ud83d', '\udc00\ud800'])
      expect(hasUnstorableText(bad)).toBe(true);
    for (const good of [
      '',
      'plain',
      'emoji \ud83d\ude00',
      '\u202eevil',
      "'; DROP TABLE users; --",
      '<script>x</script>',
      '\u0001\u001f',
      '\uFFFF',
    ])
      expect(hasUnstorableText(good)).toBe(false);
  });

  it('names each offending field by its dotted path, nested objects and array items included', () => {
    const errors = findInvalidText(
      { subject: 'a\u0000b', ok: 'fine', customFields: { x: '\ud800' }, tags: ['good', 'b\u0000ad'], n: 3, none: null },
      'body',
    );
    expect(errors.map((e) => e.field)).toEqual(['body.subject', 'body.customFields.x', 'body.tags.1']);
    expect(errors.every((e) => e.code === 'invalidText')).toBe(true);
  });

  it('refuses a key holding such text, shown with U+FFFD in its place', () => {
    const errors = findInvalidText({ customFields: { 'k\u0000': 'v' } }, 'body');
    expect(errors).toEqual([expect.objectContaining({ field: 'body.customFields.k\uFFFD', code: 'invalidText' })]);
  });

  it('checks a bare string and repeated query values', () => {
    expect(findInvalidText('\u0000', 'query.q').map((e) => e.field)).toEqual(['query.q']);
    expect(findInvalidText({ tag: ['a', '\u0000'] }, 'query').map((e) => e.field)).toEqual(['query.tag.1']);
  });

  it('finds nothing in clean or non-text input', () => {
    expect(findInvalidText({ a: 'b', c: [1, true, null, { d: 'e' }] }, 'body')).toEqual([]);
    expect(findInvalidText(undefined, 'body')).toEqual([]);
    expect(findInvalidText(42, 'body')).toEqual([]);
  });

  it('refuses nesting past the limit without recursing, however deep', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const errors = findInvalidText(deep, 'body');
    expect(errors).toEqual([expect.objectContaining({ code: 'maxDepth' })]);
    expect(errors[0].field.split('.').length).toBe(MAX_INPUT_DEPTH + 1);
    let fine: unknown = 'leaf';
    for (let i = 0; i < MAX_INPUT_DEPTH - 1; i++) fine = { a: fine };
    expect(findInvalidText(fine, 'body')).toEqual([]);
  });

  it('reports at most ten fields', () => {
    expect(
      findInvalidText(
        Array.from({ length: 1000 }, () => '\u0000'),
        'body',
      ),
    ).toHaveLength(10);
  });
});

describe(invalidTextProblem.name, () => {
  it('is a 400 invalid_text naming the fields of every part of the request', () => {
    const problem = invalidTextProblem({
      headers: { 'idempotency-key': 'k\u0000' },
      params: { id: '\ud800' },
      query: { q: '\u0000' },
      body: { subject: 'a\u0000' },
    });
    expect(problem?.problem).toMatchObject({ status: 400, code: 'invalid_text' });
    expect(problem?.problem.errors?.map((e) => e.field)).toEqual([
      'headers.idempotency-key',
      'params.id',
      'query.q',
      'body.subject',
    ]);
    expect(problem?.problem.detail).toContain('body.subject');
  });

  it('is input_too_deep when nesting is the only fault', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50; i++) deep = { a: deep };
    expect(invalidTextProblem({ body: deep })?.problem).toMatchObject({ status: 400, code: 'input_too_deep' });
  });

  it('is undefined for a clean request', () => {
    expect(
      invalidTextProblem({
        headers: { accept: '*/*' },
        params: { id: 'x' },
        query: {},
        body: { subject: 'Hello \u202e' },
      }),
    ).toBeUndefined();
  });
});
