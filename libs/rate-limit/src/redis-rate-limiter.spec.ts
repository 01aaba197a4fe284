import { describe, it } from 'node:test';
import { expect } from 'expect';
import { hashTag } from './redis-rate-limiter';

describe(hashTag.name, () => {
  it('is what Redis Cluster hashes: the first non-empty {...}, else the whole key', () => {
    expect(hashTag('rl:{t1}:tenant')).toBe('t1');
    expect(hashTag('rl:{t1}:user:{u}')).toBe('t1');
    expect(hashTag('rl:auth-ip:10.0.0.1')).toBe('rl:auth-ip:10.0.0.1');
    expect(hashTag('rl:{}:x')).toBe('rl:{}:x');
    expect(hashTag('rl:{open')).toBe('rl:{open');
    expect(hashTag('rl:}{a}')).toBe('a');
  });
});
