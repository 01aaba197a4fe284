import { describe, it } from 'node:test';
import { expect } from 'expect';
import { eventId } from './event-id';

describe('eventId', () => {
  it('is a version 7 UUID', () => {
    expect(eventId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('grows with every call, also within one millisecond and past 4,096 of them', () => {
    const ids = Array.from({ length: 5000 }, () => eventId(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
