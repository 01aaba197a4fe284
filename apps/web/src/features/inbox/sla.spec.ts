import { describe, it } from 'node:test';
import { expect } from 'expect';
import { dueState, formatDuration, timeLeft } from './sla';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

describe(formatDuration.name, () => {
  it('shows the two largest units, rounded down, at least a minute', () => {
    expect(formatDuration(10_000)).toBe('1m');
    expect(formatDuration(45 * 60_000)).toBe('45m');
    expect(formatDuration(60 * 60_000)).toBe('1h');
    expect(formatDuration((3 * 60 + 5) * 60_000 + 59_000)).toBe('3h 5m');
    expect(formatDuration((2 * 1440 + 4 * 60 + 30) * 60_000)).toBe('2d 4h');
    expect(formatDuration(3 * 1440 * 60_000)).toBe('3d');
  });
});

describe(timeLeft.name, () => {
  it('says how long is left, due soon within the hour', () => {
    expect(timeLeft(at(135), NOW)).toEqual({ label: '2h 15m left', tone: 'ok' });
    expect(timeLeft(at(60), NOW)).toEqual({ label: '1h left', tone: 'soon' });
    expect(timeLeft(at(0), NOW)).toEqual({ label: '1m left', tone: 'soon' });
  });

  it('says by how much a due time was missed', () => {
    expect(timeLeft(at(-180), NOW)).toEqual({ label: 'overdue by 3h', tone: 'overdue' });
  });
});

describe(dueState.name, () => {
  const open = {
    status: 'OPEN' as const,
    firstResponseDueAt: at(30),
    firstRespondedAt: null,
    resolutionDueAt: at(600),
  };

  it('is the first response until an agent replied, then the resolution', () => {
    expect(dueState(open, NOW)).toMatchObject({ kind: 'first response', label: '30m left', tone: 'soon' });
    expect(dueState({ ...open, firstRespondedAt: at(-5) }, NOW)).toMatchObject({
      kind: 'resolution',
      label: '10h left',
      tone: 'ok',
    });
  });

  it('is nothing for a solved or closed ticket, or one without targets', () => {
    expect(dueState({ ...open, status: 'SOLVED' }, NOW)).toBeUndefined();
    expect(dueState({ ...open, status: 'CLOSED', resolutionDueAt: at(-5) }, NOW)).toBeUndefined();
    expect(dueState({ ...open, firstResponseDueAt: null, resolutionDueAt: null }, NOW)).toBeUndefined();
  });
});
