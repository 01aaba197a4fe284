import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Redis } from 'ioredis';
import { RedisServer, waitFor } from '@helpdeskly/testing';
import { gcra } from './gcra';
import { RedisLimiterTimeout, RedisRateLimiter } from './redis-rate-limiter';
import type { LimitCheck } from './rate-limit.types';

const unique = () => randomBytes(6).toString('hex');
const check = (key: string, limit: number, policy: LimitCheck['policy'] = 'auth-ip'): LimitCheck => ({
  policy,
  key,
  limit,
  windowSeconds: 60,
});

// A Redis of its own: the test flushes its script cache and pauses it, which the shared one must not see.
describe(RedisRateLimiter.name, () => {
  let server: RedisServer;
  let redis: Redis;
  let sut: RedisRateLimiter;

  before(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    redis.on('error', () => undefined);
    await new Promise((resolve) => redis.once('ready', resolve));
    sut = new RedisRateLimiter(redis);
  });

  after(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('agrees with the GCRA function: a burst of the limit, remaining counting down, then a refusal', async () => {
    const key = `rl:test:${unique()}`;
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await sut.check([check(key, 7)]));
    let tat: number | undefined;
    const expected = [...Array(8)].map(() => {
      const d = gcra([tat], [{ limit: 7, windowMs: 60_000 }], 0);
      if (d.allowed) tat = d.tats[0];
      return d.allowed;
    });
    expect(answers.map((a) => a.allowed)).toEqual(expected);
    expect(answers.map((a) => a.states[0].remaining)).toEqual([6, 5, 4, 3, 2, 1, 0, 0]);
    expect(answers[7]).toMatchObject({ allowed: false, refusedBy: 'auth-ip', limiter: 'redis' });
    expect(answers[7].retryAfterSeconds).toBeGreaterThanOrEqual(8);
    expect(answers[7].retryAfterSeconds).toBeLessThanOrEqual(9);
    // The key expires by itself once the quota would be whole again.
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('never answers more remaining than the quota, also right after a limit was raised a millionfold', async () => {
    const key = `rl:test:${unique()}`;
    for (let i = 0; i < 3; i++) await sut.check([check(key, 100)]);
    for (let i = 0; i < 20; i++) {
      const decision = await sut.check([check(key, 100_000_000)]);
      expect(decision.allowed).toBe(true);
      expect(decision.states[0].remaining).toBeLessThanOrEqual(100_000_000 - 1);
    }
    const fresh = await sut.check([check(`rl:test:${unique()}`, 100_000_000)]);
    expect(fresh.states[0].remaining).toBe(100_000_000 - 1);
  });

  it('is atomic: 200 concurrent requests against a limit of 50 let exactly 50 through', async () => {
    const key = `rl:test:${unique()}`;
    // A generous timeout: this is about atomicity, and 200 calls at once on a busy machine take a while.
    const patient = new RedisRateLimiter(redis, 10_000);
    const answers = await Promise.all([...Array(200)].map(() => patient.check([check(key, 50)])));
    expect(answers.filter((a) => a.allowed)).toHaveLength(50);
  });

  it('checks two keys in one call and consumes neither when one refuses', async () => {
    const ip = `rl:test:ip:${unique()}`;
    const account = `rl:test:acct:${unique()}`;
    await sut.check([check(account, 1, 'auth-account')]);
    const refused = await sut.check([check(ip, 10), check(account, 1, 'auth-account')]);
    expect(refused).toMatchObject({ allowed: false, refusedBy: 'auth-account' });
    expect(await redis.exists(ip)).toBe(0);
    expect(refused.states.map((s) => s.remaining)).toEqual([10, 0]);
  });

  it('loads the script again after Redis lost it (NOSCRIPT)', async () => {
    await sut.check([check(`rl:test:${unique()}`, 5)]);
    await redis.script('FLUSH');
    const answer = await sut.check([check(`rl:test:${unique()}`, 5)]);
    expect(answer).toMatchObject({ allowed: true, states: [{ remaining: 4 }] });
  });

  it('gives up on a Redis that does not answer within the timeout', async () => {
    await redis.call('CLIENT', 'PAUSE', '1500', 'ALL');
    const started = Date.now();
    await expect(sut.check([check(`rl:test:${unique()}`, 5)])).rejects.toBeInstanceOf(RedisLimiterTimeout);
    expect(Date.now() - started).toBeLessThan(1_000);
    await waitFor(
      'redis unpaused',
      () =>
        redis.ping().then(
          () => true,
          () => false,
        ),
      5_000,
    );
  });
});
