import { describe, it } from 'node:test';
import { expect } from 'expect';
import { etagOf, parseIfMatch } from './etag';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { problem: { code: string } }).problem.code;
  }
  return undefined;
};

describe('parseIfMatch', () => {
  it('reads weak and strong ETags of a version', () => {
    expect(parseIfMatch(etagOf(3))).toBe(3);
    expect(parseIfMatch('"12"')).toBe(12);
    expect(parseIfMatch(' W/"7" ')).toBe(7);
  });

  it('asks for a precondition when missing, empty or *', () => {
    expect(codeOf(() => parseIfMatch(undefined))).toBe('precondition_required');
    expect(codeOf(() => parseIfMatch(''))).toBe('precondition_required');
    expect(codeOf(() => parseIfMatch('*'))).toBe('precondition_required');
  });

  it('treats an ETag that is not ours as a mismatch', () => {
    expect(codeOf(() => parseIfMatch('W/"abc"'))).toBe('version_mismatch');
    expect(codeOf(() => parseIfMatch('3'))).toBe('version_mismatch');
  });
});
