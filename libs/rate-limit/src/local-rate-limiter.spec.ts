import { describe, it } from 'node:test';
import { expect } from 'expect';
import { LocalRateLimiter } from './local-rate-limiter';
import type { LimitCheck } from './rate-limit.types';

const check = (key: string, limit = 3, policy: LimitCheck['policy'] = 'auth-ip'): LimitCheck => ({
  policy,
  key,
  limit,
  windowSeconds: 60,
});

describe(LocalRateLimiter.name, () => {
  it('limits a key to its quota and answers like the Redis limiter (states, retry after, policy)', () => {
    let now = 1_000_000;
    const sut = new LocalRateLimiter(100, () => now);
    const answers = [1, 2, 3, 4].map(() => sut.check([check('ip:a')]));
    expect(answers.map((a) => a.allowed)).toEqual([true, true, true, false]);
    expect(answers[0]).toMatchObject({
      limiter: 'local',
      states: [{ policy: 'auth-ip', limit: 3, windowSeconds: 60, remaining: 2, resetSeconds: 20 }],
    });
    expect(answers[3]).toMatchObject({ allowed: false, refusedBy: 'auth-ip', retryAfterSeconds: 20 });
    // Another key is untouched.
    expect(sut.check([check('ip:b')]).allowed).toBe(true);
    now += 20_000;
    expect(sut.check([check('ip:a')]).allowed).toBe(true);
  });

  it('consumes none of the keys when one refuses', () => {
    const now = 5_000;
    const sut = new LocalRateLimiter(100, () => now);
    sut.check([check('acct', 1, 'auth-account')]);
    const refused = sut.check([check('ip', 3), check('acct', 1, 'auth-account')]);
    expect(refused).toMatchObject({ allowed: false, refusedBy: 'auth-account' });
    expect(sut.check([check('ip', 3)]).states[0].remaining).toBe(2);
  });

  it('keeps its memory bounded: past maxKeys the least recently used keys are forgotten', () => {
    const now = 0;
    const sut = new LocalRateLimiter(1_000, () => now);
    for (let i = 0; i < 5_000; i++) sut.check([check(`ip:${i}`)]);
    expect(sut.size).toBe(1_000);
    // The most recent keys are still counted, the oldest start afresh.
    expect(sut.check([check('ip:4999')]).states[0].remaining).toBe(1);
    expect(sut.check([check('ip:0')]).states[0].remaining).toBe(2);
  });

  it('drops a key once its quota is whole again', () => {
    let now = 0;
    const sut = new LocalRateLimiter(100, () => now);
    sut.check([check('ip:a')]);
    sut.check([check('ip:b')]);
    now += 60_000;
    sut.check([check('ip:a')]);
    expect(sut.size).toBe(2);
    expect(sut.check([check('ip:b')]).states[0].remaining).toBe(2);
  });
});
