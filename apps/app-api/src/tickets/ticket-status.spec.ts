import { describe, it } from 'node:test';
import { expect } from 'expect';
import { TicketPriority, TicketStatus, TicketType } from '@helpdeskly/database';
import { DEFAULT_SLA } from '../settings/sla';
import { planChanges } from './ticket-changes';
import { assertTransition, canTransition, TICKET_TRANSITIONS } from './ticket-status';
import { TicketsException } from './tickets.errors';

const { NEW, OPEN, PENDING, ON_HOLD, SOLVED, CLOSED } = TicketStatus;

describe('canTransition', () => {
  it('lets a NEW ticket go anywhere but CLOSED', () => {
    expect([OPEN, PENDING, ON_HOLD, SOLVED].every((to) => canTransition(NEW, to))).toBe(true);
    expect(canTransition(NEW, CLOSED)).toBe(false);
  });

  it('never goes back to NEW', () => {
    for (const from of [OPEN, PENDING, ON_HOLD, SOLVED, CLOSED]) expect(canTransition(from, NEW)).toBe(false);
  });

  it('closes only a SOLVED ticket', () => {
    expect(canTransition(SOLVED, CLOSED)).toBe(true);
    for (const from of [NEW, OPEN, PENDING, ON_HOLD]) expect(canTransition(from, CLOSED)).toBe(false);
  });

  it('reopens a SOLVED ticket', () => {
    expect(canTransition(SOLVED, OPEN)).toBe(true);
    expect(canTransition(SOLVED, PENDING)).toBe(false);
  });

  it('keeps CLOSED final', () => {
    expect(TICKET_TRANSITIONS[CLOSED]).toEqual([]);
    for (const to of [NEW, OPEN, PENDING, ON_HOLD, SOLVED]) expect(canTransition(CLOSED, to)).toBe(false);
  });

  it('treats keeping a status as no transition', () => {
    for (const s of Object.values(TicketStatus)) expect(canTransition(s, s)).toBe(true);
  });
});

describe('assertTransition', () => {
  it('throws 422 invalid_transition naming what is allowed', () => {
    const sut = () => assertTransition(CLOSED, OPEN);
    expect(sut).toThrow(TicketsException);
    try {
      sut();
    } catch (error) {
      expect((error as TicketsException).problem).toMatchObject({
        status: 422,
        code: 'invalid_transition',
        extensions: { from: CLOSED, to: OPEN, allowed: [] },
      });
    }
  });
});

describe('planChanges', () => {
  const createdAt = new Date('2026-01-01T00:00:00.000Z');
  const now = new Date('2026-01-02T00:00:00.000Z');
  const ticket = {
    subject: 'S',
    description: 'D',
    status: NEW,
    priority: TicketPriority.NORMAL,
    type: TicketType.QUESTION,
    assigneeId: null,
    createdAt,
    solvedAt: null,
  };

  it('records one event per changed field and none for unchanged ones', () => {
    const sut = planChanges(ticket, { subject: 'S2', description: 'D', type: TicketType.TASK }, now, DEFAULT_SLA);
    expect(sut.changes).toEqual({ subject: 'S2', type: TicketType.TASK });
    expect(sut.events).toEqual([
      { field: 'subject', fromValue: 'S', toValue: 'S2' },
      { field: 'type', fromValue: 'QUESTION', toValue: 'TASK' },
    ]);
  });

  it('opens a NEW ticket when it gets an assignee', () => {
    const sut = planChanges(ticket, { assigneeId: '00000000-0000-4000-8000-000000000001' }, now, DEFAULT_SLA);
    expect(sut.changes.status).toBe(OPEN);
    expect(sut.events.map((e) => e.field)).toEqual(['assigneeId', 'status']);
  });

  it('sets solvedAt on SOLVED, clears it on reopening, sets closedAt on CLOSED', () => {
    expect(planChanges(ticket, { status: SOLVED }, now, DEFAULT_SLA).changes).toMatchObject({
      status: SOLVED,
      solvedAt: now,
    });
    const solved = { ...ticket, status: SOLVED, solvedAt: now };
    expect(planChanges(solved, { status: OPEN }, now, DEFAULT_SLA).changes).toMatchObject({
      status: OPEN,
      solvedAt: null,
    });
    expect(planChanges(solved, { status: CLOSED }, now, DEFAULT_SLA).changes).toMatchObject({
      status: CLOSED,
      closedAt: now,
    });
  });

  it('refuses a forbidden transition', () => {
    expect(() => planChanges({ ...ticket, status: CLOSED }, { status: OPEN }, now, DEFAULT_SLA)).toThrow(
      TicketsException,
    );
  });

  it('recomputes the due times from the creation time on a new priority', () => {
    const sut = planChanges(ticket, { priority: TicketPriority.URGENT }, now, DEFAULT_SLA);
    expect(sut.changes.firstResponseDueAt?.toISOString()).toBe('2026-01-01T01:00:00.000Z');
    expect(sut.changes.resolutionDueAt?.toISOString()).toBe('2026-01-01T04:00:00.000Z');
  });
});
