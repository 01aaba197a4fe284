import { describe, it } from 'node:test';
import { expect } from 'expect';
import { plainToInstance } from 'class-transformer';
import { Trim } from './trim.decorator';

class NameDto {
  @Trim() name: unknown;
}

describe('Trim', () => {
  it('trims the white space around a string', () => {
    expect(plainToInstance(NameDto, { name: '  Ada Lovelace \n' }).name).toBe('Ada Lovelace');
  });

  it('passes other values as they are', () => {
    expect(plainToInstance(NameDto, { name: 42 }).name).toBe(42);
    expect(plainToInstance(NameDto, { name: null }).name).toBeNull();
    expect(plainToInstance(NameDto, {}).name).toBeUndefined();
  });
});
