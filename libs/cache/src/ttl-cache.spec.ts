import { describe, it } from 'node:test';
import { expect } from 'expect';
import { TtlCache } from './ttl-cache';

describe(TtlCache.name, () => {
  const setup = (max = 3, ttlMs = 1000) => {
    let clock = 0;
    const sut = new TtlCache<string, unknown>({ max, ttlMs, now: () => clock });
    return { sut, advance: (ms: number) => (clock += ms) };
  };

  it('expires entries after the TTL', () => {
    const { sut, advance } = setup();
    sut.set('a', 1);
    advance(999);
    expect(sut.get('a')).toBe(1);
    advance(1);
    expect(sut.get('a')).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const { sut } = setup(2);
    sut.set('a', 1);
    sut.set('b', 2);
    sut.set('c', 3);
    expect([sut.get('a'), sut.get('b'), sut.get('c'), sut.size]).toEqual([undefined, 2, 3, 2]);
  });

  it('evicts the least recently read entry first', () => {
    const { sut } = setup(2);
    sut.set('a', 1);
    sut.set('b', 2);
    expect(sut.get('a')).toBe(1);
    sut.set('c', 3);
    expect([sut.get('a'), sut.get('b'), sut.get('c')]).toEqual([1, undefined, 3]);
  });

  it('shares one load between concurrent misses and forgets a failed one', async () => {
    const { sut } = setup();
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    const [a, b] = await Promise.all([sut.getOrLoad('k', load), sut.getOrLoad('k', load)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    await expect(sut.getOrLoad('bad', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await sut.getOrLoad('bad', () => Promise.resolve('up'))).toBe('up');
  });

  it('caches nothing with a TTL of 0', () => {
    const { sut } = setup(3, 0);
    sut.set('a', 1);
    expect(sut.get('a')).toBeUndefined();
  });
});
