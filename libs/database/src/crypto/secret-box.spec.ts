import { describe, it } from 'node:test';
import { expect } from 'expect';
import { SecretBox, SecretBoxError } from './secret-box';

const KEY_1 = 'first-key-of-at-least-32-characters-long';
const KEY_2 = 'second-key-of-at-least-32-characters-long';

describe(SecretBox.name, () => {
  const sut = SecretBox.fromKey(KEY_1);

  it('opens what it sealed', () => {
    expect(sut.open(sut.seal('s3cret pässword'))).toBe('s3cret pässword');
  });

  it('seals as v1:<iv>:<tag>:<ciphertext> in base64url', () => {
    expect(sut.seal('password')).toMatch(/^v1:[\w-]{16}:[\w-]{22}:[\w-]+$/);
  });

  it('uses a fresh IV for every seal', () => {
    expect(sut.seal('same')).not.toBe(sut.seal('same'));
  });

  it('refuses a value sealed under another key', () => {
    const other = SecretBox.fromKey(KEY_2);
    expect(() => other.open(sut.seal('password'))).toThrow(SecretBoxError);
  });

  it('refuses a tampered ciphertext, tag or version', () => {
    const [version, iv, tag, ciphertext] = sut.seal('password').split(':');
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] ^= 1;
      return bytes.toString('base64url');
    };
    expect(() => sut.open([version, iv, tag, flip(ciphertext)].join(':'))).toThrow(SecretBoxError);
    expect(() => sut.open([version, iv, flip(tag), ciphertext].join(':'))).toThrow(SecretBoxError);
    const rotated = new SecretBox({ v1: KEY_1, v2: KEY_1 }, 'v2');
    expect(() => rotated.open(['v2', iv, tag, ciphertext].join(':'))).toThrow(SecretBoxError);
  });

  it('refuses malformed input and unknown versions', () => {
    expect(() => sut.open('plaintext')).toThrow(/not a sealed value/);
    expect(() => sut.open('v9:a:b:c')).toThrow(/no key for version "v9"/);
    expect(() => sut.open('v1:a:b:c')).toThrow(/malformed/);
  });

  it('rotates keys: opens old versions, seals with the current one', () => {
    const old = sut.seal('password');
    const rotated = new SecretBox({ v1: KEY_1, v2: KEY_2 }, 'v2');
    expect(rotated.open(old)).toBe('password');
    expect(rotated.needsResealing(old)).toBe(true);
    const resealed = rotated.seal(rotated.open(old));
    expect(resealed.startsWith('v2:')).toBe(true);
    expect(rotated.needsResealing(resealed)).toBe(false);
    expect(() => sut.open(resealed)).toThrow(/no key for version "v2"/);
  });

  it('rejects a configuration without the current key or with bad versions', () => {
    expect(() => new SecretBox({ v1: KEY_1 }, 'v2')).toThrow(/current version "v2"/);
    expect(() => new SecretBox({ key1: KEY_1 }, 'key1')).toThrow(/must look like v1/);
    expect(() => SecretBox.fromKey('')).toThrow(/empty/);
  });
});
