import { describe, it } from 'node:test';
import { expect } from 'expect';
import { gcra } from './gcra';

const MINUTE = 60_000;

/** Runs `n` requests at `now` against one limit, carrying the stored TAT along. */
function burst(n: number, limit: number, now: number, tat?: number) {
  const decisions = [];
  for (let i = 0; i < n; i++) {
    const d = gcra([tat], [{ limit, windowMs: MINUTE }], now);
    if (d.allowed) tat = d.tats[0];
    decisions.push(d);
  }
  return { decisions, tat };
}

describe('gcra', () => {
  it('allows a burst of exactly `limit` from rest, counting remaining down to 0, then refuses', () => {
    const { decisions } = burst(6, 5, 1_000_000);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(decisions.slice(0, 5).map((d) => d.states[0].remaining)).toEqual([4, 3, 2, 1, 0]);
    // One unit comes back every window/limit = 12 s.
    expect(decisions[5]).toMatchObject({
      refused: 0,
      retryAfterMs: 12_000,
      states: [{ remaining: 0, resetMs: MINUTE }],
    });
    expect(decisions[0].states[0].resetMs).toBe(12_000);
  });

  it('gives back one unit per emission interval', () => {
    const start = 1_000_000;
    const { tat } = burst(5, 5, start);
    expect(gcra([tat], [{ limit: 5, windowMs: MINUTE }], start + 11_999).allowed).toBe(false);
    const later = gcra([tat], [{ limit: 5, windowMs: MINUTE }], start + 12_000);
    expect(later.allowed).toBe(true);
    expect(later.states[0].remaining).toBe(0);
    // After a whole window at rest, the whole burst is back.
    expect(burst(6, 5, start + MINUTE, tat).decisions.map((d) => d.allowed)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('never lets more than limit + elapsed/interval through, whatever the arrival pattern', () => {
    let tat: number | undefined;
    let allowed = 0;
    const start = 5_000_000;
    for (let t = 0; t < 3 * MINUTE; t += 250) {
      const d = gcra([tat], [{ limit: 7, windowMs: MINUTE }], start + t);
      if (d.allowed) {
        allowed++;
        tat = d.tats[0];
      }
    }
    // 7 in the first burst, then one every 60/7 s for the remaining ~3 minutes.
    expect(allowed).toBeLessThanOrEqual(7 + Math.ceil((3 * MINUTE) / (MINUTE / 7)));
    expect(allowed).toBeGreaterThanOrEqual(7 + Math.floor((3 * MINUTE - 250) / (MINUTE / 7)) - 1);
  });

  it('keeps remaining exact with intervals that are not whole milliseconds', () => {
    const { decisions } = burst(7, 7, 123_456);
    expect(decisions.map((d) => d.states[0].remaining)).toEqual([6, 5, 4, 3, 2, 1, 0]);
  });

  it('checks several limits all or nothing: when one refuses, none is consumed', () => {
    const limits = [
      { limit: 100, windowMs: MINUTE },
      { limit: 2, windowMs: MINUTE },
    ];
    const now = 9_000_000;
    let tats: (number | undefined)[] = [undefined, undefined];
    for (let i = 0; i < 2; i++) tats = [...gcra(tats, limits, now).tats];
    const refused = gcra(tats, limits, now);
    expect(refused).toMatchObject({ allowed: false, refused: 1 });
    expect(refused.tats).toEqual(tats);
    // The roomy limit still shows 98 left: the refused request took nothing from it.
    expect(refused.states.map((s) => s.remaining)).toEqual([98, 0]);
  });

  it('names the limit that frees last when several refuse', () => {
    const limits = [
      { limit: 1, windowMs: 10_000 },
      { limit: 1, windowMs: MINUTE },
    ];
    const first = gcra([undefined, undefined], limits, 0);
    const second = gcra(first.tats, limits, 0);
    expect(second).toMatchObject({ allowed: false, refused: 1, retryAfterMs: MINUTE });
  });

  it('never reports more remaining than the quota, even when the interval is below the float precision', () => {
    // 100,000,000 per minute: an interval of 0.0006 ms, finer than a double holds at epoch ms.
    const now = 1_764_000_000_000;
    let tat: number | undefined;
    for (let i = 0; i < 20; i++) {
      const d = gcra([tat], [{ limit: 100_000_000, windowMs: MINUTE }], now + i * 0.0001);
      expect(d.allowed).toBe(true);
      expect(d.states[0].remaining).toBeLessThanOrEqual(100_000_000 - 1);
      tat = d.tats[0];
    }
  });
});
