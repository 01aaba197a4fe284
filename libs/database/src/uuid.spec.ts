import { describe, it } from 'node:test';
import { expect } from 'expect';
import { isUuid } from './uuid';

describe('isUuid', () => {
  it('accepts a UUID of any version, in either case', () => {
    expect(isUuid('0b6f3c1e-5d0e-4a53-a1e1-9f8a4c1b2d3e')).toBe(true);
    expect(isUuid('0B6F3C1E-5D0E-7A53-A1E1-9F8A4C1B2D3E')).toBe(true);
  });

  it('refuses anything else', () => {
    for (const value of [
      '',
      'acme',
      '0b6f3c1e5d0e4a53a1e19f8a4c1b2d3e',
      '0b6f3c1e-5d0e-4a53-a1e1-9f8a4c1b2d3',
      ' 0b6f3c1e-5d0e-4a53-a1e1-9f8a4c1b2d3e',
    ])
      expect(isUuid(value)).toBe(false);
  });
});
