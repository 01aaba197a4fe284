import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import type { CacheRedisClient } from '@helpdeskly/redis';
import { CACHE_REDIS_TIMEOUT_MS, SharedCache } from './shared-cache';

const config = { tenancy: { cacheTtlSeconds: 60 }, cache: { redisTtlSeconds: 300, l1MaxEntries: 100 } } as AppConfig;

/** A cache Redis that refuses every command (down) or never answers (stuck). */
function unreachableRedis(mode: 'down' | 'stuck'): CacheRedisClient {
  const command = () =>
    mode === 'down'
      ? Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"))
      : new Promise(() => undefined);
  return { options: { db: 0 }, hmget: command, eval: command } as unknown as CacheRedisClient;
}

const reads = async (metrics: MetricsRegistry) =>
  Object.fromEntries((await metrics.cacheReads.get()).values.map((v) => [v.labels.level, v.value]));

describe(SharedCache.name, () => {
  it('loads from the source when Redis is down, shares one load between concurrent misses and keeps the result in process', async () => {
    const metrics = new MetricsRegistry();
    const ns = new SharedCache(unreachableRedis('down'), config, metrics).namespace<{ n: number }>('unit');
    let loads = 0;
    const load = async () => ({ n: ++loads });
    const [a, b] = await Promise.all([ns.getOrLoad('k', load), ns.getOrLoad('k', load)]);
    expect([a, b, loads]).toEqual([{ n: 1 }, { n: 1 }, 1]);
    expect(await ns.getOrLoad('k', load)).toEqual({ n: 1 });
    expect(await reads(metrics)).toEqual({ load: 1, l1: 2 });
  });

  it('caches null (negative caching) and forgets a load that failed', async () => {
    const ns = new SharedCache(unreachableRedis('down'), config, new MetricsRegistry()).namespace<string>('unit');
    let loads = 0;
    expect(await ns.getOrLoad('missing', async () => (loads++, null))).toBeNull();
    expect(await ns.getOrLoad('missing', async () => (loads++, 'found'))).toBeNull();
    expect(loads).toBe(1);
    await expect(ns.getOrLoad('flaky', () => Promise.reject(new Error('control database down')))).rejects.toThrow(
      'control database down',
    );
    expect(await ns.getOrLoad('flaky', async () => 'back')).toBe('back');
  });

  it('never waits on a stuck Redis longer than its bound, for reads and invalidations alike', async () => {
    const ns = new SharedCache(unreachableRedis('stuck'), config, new MetricsRegistry()).namespace<string>('unit');
    const started = performance.now();
    expect(await ns.getOrLoad('k', async () => 'from source')).toBe('from source');
    await ns.invalidate('k');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(CACHE_REDIS_TIMEOUT_MS * 2 - 5);
    expect(elapsed).toBeLessThan(CACHE_REDIS_TIMEOUT_MS * 2 + 500);
  });

  it('drops the local entry on invalidate even when Redis is down, without throwing', async () => {
    const ns = new SharedCache(unreachableRedis('down'), config, new MetricsRegistry()).namespace<number>('unit');
    expect(await ns.getOrLoad('k', async () => 1)).toBe(1);
    await expect(ns.invalidate('k')).resolves.toBeUndefined();
    expect(await ns.getOrLoad('k', async () => 2)).toBe(2);
  });

  it('gives one namespace object per name and a channel naming the Redis database', () => {
    const cache = new SharedCache(
      { options: { db: 3, keyPrefix: 'staging:' } } as unknown as CacheRedisClient,
      config,
      new MetricsRegistry(),
    );
    expect(cache.namespace('a')).toBe(cache.namespace('a'));
    expect(cache.namespace('a')).not.toBe(cache.namespace('b'));
    expect(cache.channel).toBe('staging:hd:cache:invalidations:db3');
  });
});
