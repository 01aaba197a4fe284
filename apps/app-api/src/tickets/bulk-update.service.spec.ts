import { describe, it } from 'node:test';
import { expect } from 'expect';
import { TicketPriority, TicketStatus } from '@helpdeskly/database';
import { BulkUpdateService } from './bulk-update.service';
import type { BulkUpdateDto } from './dto/bulk.dto';
import {
  asTicketEventsRepository,
  asTicketNotifications,
  asTicketsRepository,
  codeOf,
  FakeTenantDatabase,
  FakeTicketsRepository,
  fakeSla,
  OTHER_AGENT_ID,
  tenantContext,
  ticketsServiceOverFakes,
} from './tickets.fakes';
import { TicketsErrorCode, type TicketsException } from './tickets.errors';

const NOBODY = '99999999-9999-4999-8999-999999999999';

const bulk = (ticketIds: string[], changes: BulkUpdateDto['changes']): BulkUpdateDto => ({ ticketIds, changes });

function setup() {
  const { ticketsService, db, tickets, events, notifications } = ticketsServiceOverFakes();
  const sut = new BulkUpdateService(
    asTicketsRepository(tickets),
    asTicketEventsRepository(events),
    ticketsService,
    fakeSla(),
    asTicketNotifications(notifications),
  );
  return { sut, db, tickets, notifications };
}

/** Makes another request change `ticketId` after each of the service's next `times` reads. */
function meddle(db: FakeTenantDatabase, tickets: FakeTicketsRepository, ticketId: string, times: number) {
  const counter = { reads: 0 };
  tickets.afterRead = () => {
    counter.reads++;
    if (counter.reads <= times) db.touch(ticketId);
  };
  return counter;
}

describe(BulkUpdateService.name, () => {
  it('changes every ticket in one go: the next versions, one event per change, tags added and removed', async () => {
    const { sut, db } = setup();
    const a = db.put({ version: 2, tags: [{ tag: { name: 'printer' } }] });
    const b = db.put();

    const result = await sut.update(
      tenantContext(),
      bulk([a.id, b.id], { priority: TicketPriority.URGENT, addTags: ['fire'], removeTags: ['printer'] }),
    );

    expect(result.results).toEqual([
      { ticketId: a.id, ok: true, version: 3 },
      { ticketId: b.id, ok: true, version: 2 },
    ]);
    expect(db.ticket(a.id).tags.map((t) => t.tag.name)).toEqual(['fire']);
    expect(db.ticket(b.id)).toMatchObject({ priority: TicketPriority.URGENT, version: 2 });
    expect(db.events.filter((e) => e.ticketId === a.id).map((e) => [e.field, e.fromValue, e.toValue])).toEqual([
      ['priority', TicketPriority.NORMAL, TicketPriority.URGENT],
      ['tags', 'printer', 'fire'],
    ]);
  });

  it('reads again and retries when a ticket changed between the read and the write', async () => {
    const { sut, db, tickets } = setup();
    const a = db.put();
    const b = db.put();
    const counter = meddle(db, tickets, b.id, 1);

    const result = await sut.update(tenantContext(), bulk([a.id, b.id], { status: TicketStatus.PENDING }));

    expect(counter.reads).toBe(2);
    expect(result.results).toEqual([
      { ticketId: a.id, ok: true, version: 2 },
      { ticketId: b.id, ok: true, version: 3 },
    ]);
    expect([db.ticket(a.id).status, db.ticket(b.id).status]).toEqual([TicketStatus.PENDING, TicketStatus.PENDING]);
    // The failed attempt's change of `a` was rolled back: one status event per ticket.
    expect(db.events.map((e) => e.ticketId)).toEqual([a.id, b.id]);
  });

  it('gives up with 409 concurrent_update after three attempts, and keeps nothing of them', async () => {
    const { sut, db, tickets, notifications } = setup();
    const a = db.put();
    const b = db.put();
    const counter = meddle(db, tickets, b.id, Infinity);

    const refused = await sut.update(tenantContext(), bulk([a.id, b.id], { status: TicketStatus.PENDING })).then(
      () => undefined,
      (error: TicketsException) => error,
    );

    expect(refused?.problem).toMatchObject({ code: TicketsErrorCode.ConcurrentUpdate, status: 409 });
    expect(counter.reads).toBe(3);
    expect(db.ticket(a.id)).toMatchObject({ status: TicketStatus.NEW, version: 1 });
    expect(db.ticket(b.id)).toMatchObject({ status: TicketStatus.NEW, version: 4 });
    expect(db.events).toEqual([]);
    expect(notifications.dispatched).toEqual([]);
  });

  it('refuses the whole bulk with 422 bulk_failed when one ticket refuses, naming each result, and applies nothing', async () => {
    const { sut, db } = setup();
    const open = db.put({ status: TicketStatus.OPEN });
    const closed = db.put({ status: TicketStatus.CLOSED });

    const refused = await sut
      .update(tenantContext(), bulk([open.id, closed.id, NOBODY], { status: TicketStatus.PENDING, addTags: ['x'] }))
      .then(
        () => undefined,
        (error: TicketsException) => error,
      );

    expect(refused?.problem).toMatchObject({ code: TicketsErrorCode.BulkFailed, status: 422 });
    expect(refused?.problem.extensions?.results).toEqual([
      { ticketId: open.id, ok: true },
      { ticketId: closed.id, ok: false, error: TicketsErrorCode.InvalidTransition, detail: expect.any(String) },
      { ticketId: NOBODY, ok: false, error: TicketsErrorCode.TicketNotFound },
    ]);
    expect(db.ticket(open.id)).toMatchObject({ status: TicketStatus.OPEN, version: 1, tags: [] });
    expect(db.events).toEqual([]);
  });

  it('keeps the version of a ticket the changes leave as it is', async () => {
    const { sut, db } = setup();
    const urgent = db.put({ priority: TicketPriority.URGENT, version: 4 });

    const result = await sut.update(tenantContext(), bulk([urgent.id], { priority: TicketPriority.URGENT }));

    expect(result.results).toEqual([{ ticketId: urgent.id, ok: true, version: 4 }]);
    expect(db.ticket(urgent.id).version).toBe(4);
  });

  it('refuses no changes with 400 validation_failed, and an assignee who is not a member with 422', async () => {
    const { sut, db, tickets } = setup();
    const ticket = db.put();
    const counter = meddle(db, tickets, ticket.id, 0);

    expect(await codeOf(sut.update(tenantContext(), bulk([ticket.id], {})))).toBe('validation_failed');
    expect(await codeOf(sut.update(tenantContext(), bulk([ticket.id], { assigneeId: NOBODY })))).toBe(
      TicketsErrorCode.AssigneeNotMember,
    );
    expect(counter.reads).toBe(0);
    expect((await sut.update(tenantContext(), bulk([ticket.id], { assigneeId: OTHER_AGENT_ID }))).results).toEqual([
      { ticketId: ticket.id, ok: true, version: 2 },
    ]);
    expect(db.ticket(ticket.id)).toMatchObject({ assigneeId: OTHER_AGENT_ID, status: TicketStatus.OPEN });
  });
});
