import { describe, it } from 'node:test';
import { expect } from 'expect';
import { TicketPriority } from '@helpdeskly/database';
import { DEFAULT_SLA, dueTimes, slaFromStored } from './sla';

describe('dueTimes', () => {
  const createdAt = new Date('2026-01-01T10:00:00.000Z');

  it('adds the targets of the priority to the creation time', () => {
    const sut = dueTimes(DEFAULT_SLA, TicketPriority.URGENT, createdAt);
    expect(sut.firstResponseDueAt.toISOString()).toBe('2026-01-01T11:00:00.000Z');
    expect(sut.resolutionDueAt.toISOString()).toBe('2026-01-01T14:00:00.000Z');
  });

  it('counts calendar minutes across days', () => {
    const sut = dueTimes(DEFAULT_SLA, TicketPriority.LOW, createdAt);
    expect(sut.firstResponseDueAt.toISOString()).toBe('2026-01-02T10:00:00.000Z');
    expect(sut.resolutionDueAt.toISOString()).toBe('2026-01-05T10:00:00.000Z');
  });

  it('uses the tenant targets when given', () => {
    const sla = { ...DEFAULT_SLA, [TicketPriority.HIGH]: { firstResponseMinutes: 15, resolutionMinutes: 90 } };
    const sut = dueTimes(sla, TicketPriority.HIGH, createdAt);
    expect(sut.firstResponseDueAt.toISOString()).toBe('2026-01-01T10:15:00.000Z');
    expect(sut.resolutionDueAt.toISOString()).toBe('2026-01-01T11:30:00.000Z');
  });
});

describe('slaFromStored', () => {
  it('gives the defaults for nothing stored', () => {
    expect(slaFromStored(undefined)).toEqual(DEFAULT_SLA);
  });

  it('keeps valid stored priorities and defaults the malformed ones', () => {
    const sut = slaFromStored({
      URGENT: { firstResponseMinutes: 5, resolutionMinutes: 30 },
      HIGH: { firstResponseMinutes: 'x' },
    });
    expect(sut.URGENT).toEqual({ firstResponseMinutes: 5, resolutionMinutes: 30 });
    expect(sut.HIGH).toEqual(DEFAULT_SLA.HIGH);
    expect(sut.LOW).toEqual(DEFAULT_SLA.LOW);
  });
});
