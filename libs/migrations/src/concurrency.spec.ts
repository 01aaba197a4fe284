import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { mapWithConcurrency } from './concurrency';

describe(mapWithConcurrency.name, () => {
  it('keeps the order of the results and never runs more than the limit at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const results = await mapWithConcurrency([30, 5, 20, 1, 10], 2, async (delay, index) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(delay);
      inFlight--;
      return index;
    });
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(maxInFlight).toBe(2);
  });

  it('handles no items and refuses a limit below one', async () => {
    await expect(mapWithConcurrency([], 3, async () => 1)).resolves.toEqual([]);
    await expect(mapWithConcurrency([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});
