import { describe, it } from 'node:test';
import { expect } from 'expect';
import { TicketPriority, TicketStatus } from '@helpdeskly/database';
import type { CreateTicketDto } from './dto/ticket.dto';
import { requestHash } from './idempotency';
import {
  AGENT_ID,
  codeOf,
  CONTACT_ID,
  keyOf,
  OTHER_AGENT_ID,
  tenantContext,
  ticketsServiceOverFakes,
} from './tickets.fakes';
import { TicketsErrorCode, type TicketsException } from './tickets.errors';
import { TicketsService } from './tickets.service';

const KEY = 'create-7f3a';
const NOBODY = '99999999-9999-4999-8999-999999999999';

const newTicket = (over: Partial<CreateTicketDto> = {}): CreateTicketDto =>
  ({
    subject: 'Printer on fire',
    description: 'Smoke everywhere',
    requesterId: CONTACT_ID,
    ...over,
  }) as CreateTicketDto;

function setup() {
  const { ticketsService: sut, db, tickets, notifications } = ticketsServiceOverFakes();
  return { sut, db, tickets, notifications };
}

async function problemOf(promise: Promise<unknown>): Promise<TicketsException> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: TicketsException) => error,
  );
}

describe(TicketsService.name, () => {
  describe('create', () => {
    it('creates a NEW ticket without a key, and an OPEN one when it is assigned at once', async () => {
      const { sut, db, notifications } = setup();

      const plain = await sut.create(tenantContext(), newTicket());
      const assigned = await sut.create(tenantContext(), newTicket({ assigneeId: OTHER_AGENT_ID }));

      expect(plain).toMatchObject({ status: 201, version: 1, replayed: false });
      expect(db.ticket(JSON.parse(plain.body).id).status).toBe(TicketStatus.NEW);
      expect(db.ticket(JSON.parse(assigned.body).id)).toMatchObject({
        status: TicketStatus.OPEN,
        assigneeId: OTHER_AGENT_ID,
      });
      expect(db.keys.size).toBe(0);
      expect(notifications.dispatched).toHaveLength(2);
    });

    it('refuses an assignee who is not a member, and creates nothing', async () => {
      const { sut, tickets } = setup();
      expect(await codeOf(sut.create(tenantContext(), newTicket({ assigneeId: NOBODY }), KEY))).toBe(
        TicketsErrorCode.AssigneeNotMember,
      );
      expect(tickets.inserts).toBe(0);
    });

    it("stores the first answer under the caller's key, with the request's hash", async () => {
      const { sut, db } = setup();
      const dto = newTicket();

      const created = await sut.create(tenantContext(), dto, KEY);

      expect(created).toMatchObject({ status: 201, replayed: false });
      expect(db.keys.get(keyOf(AGENT_ID, KEY))).toEqual({
        requestHash: requestHash('POST', '/v1/tickets', dto),
        responseStatus: 201,
        responseBody: created.body,
      });
    });

    it('answers a replay with the same key and body with the stored answer, and creates and sends nothing more', async () => {
      const { sut, db, tickets, notifications } = setup();
      const first = await sut.create(tenantContext(), newTicket(), KEY);
      db.touch(JSON.parse(first.body).id); // what the ticket became since does not change the replay

      const replay = await sut.create(tenantContext(), newTicket(), KEY);

      expect(replay).toEqual({ status: 201, body: first.body, version: first.version, replayed: true });
      expect(tickets.inserts).toBe(1);
      expect(db.tickets.size).toBe(1);
      expect(notifications.dispatched).toHaveLength(1);
    });

    it('refuses the same key with another body with 422 idempotency_key_reused', async () => {
      const { sut, tickets } = setup();
      await sut.create(tenantContext(), newTicket(), KEY);

      const reused = await problemOf(sut.create(tenantContext(), newTicket({ subject: 'Another' }), KEY));

      expect(reused.code).toBe(TicketsErrorCode.IdempotencyKeyReused);
      expect(reused.status).toBe(422);
      expect(tickets.inserts).toBe(1);
    });

    it('answers 409 idempotency_key_in_progress while the first request with the key still runs', async () => {
      const { sut, db, tickets } = setup();
      db.heldKeys.add(keyOf(AGENT_ID, KEY));

      const waiting = await problemOf(sut.create(tenantContext(), newTicket(), KEY));

      expect(waiting.code).toBe(TicketsErrorCode.IdempotencyKeyInProgress);
      expect(waiting.status).toBe(409);
      expect(tickets.inserts).toBe(0);
    });

    it('answers 409 idempotency_key_in_progress for a key claimed with the same body but no answer stored', async () => {
      const { sut, db, tickets } = setup();
      const dto = newTicket();
      db.keys.set(keyOf(AGENT_ID, KEY), {
        requestHash: requestHash('POST', '/v1/tickets', dto),
        responseStatus: null,
        responseBody: null,
      });

      expect(await codeOf(sut.create(tenantContext(), dto, KEY))).toBe(TicketsErrorCode.IdempotencyKeyInProgress);
      expect(tickets.inserts).toBe(0);
    });

    it('keeps keys per user: the same key from another agent creates another ticket', async () => {
      const { sut, tickets } = setup();
      const mine = await sut.create(tenantContext(), newTicket(), KEY);

      const theirs = await sut.create(tenantContext({ userId: OTHER_AGENT_ID }), newTicket(), KEY);

      expect(theirs.replayed).toBe(false);
      expect(JSON.parse(theirs.body).id).not.toBe(JSON.parse(mine.body).id);
      expect(tickets.inserts).toBe(2);
    });

    it('answers 422 requester_not_found for an unknown contact and releases the key, with or without one', async () => {
      const { sut, db, notifications } = setup();
      const dto = newTicket({ requesterId: NOBODY });

      expect(await codeOf(sut.create(tenantContext(), dto, KEY))).toBe(TicketsErrorCode.RequesterNotFound);
      expect(db.keys.size).toBe(0);
      expect(await codeOf(sut.create(tenantContext(), dto))).toBe(TicketsErrorCode.RequesterNotFound);

      // The key was rolled back with the failed request: it serves a corrected one.
      db.contacts.add(NOBODY);
      expect((await sut.create(tenantContext(), dto, KEY)).replayed).toBe(false);
      expect(db.tickets.size).toBe(1);
      expect(notifications.dispatched).toHaveLength(1);
    });
  });

  describe('update', () => {
    it('applies the changes at the version of If-Match: the next version and one event per changed field', async () => {
      const { sut, db } = setup();
      const ticket = db.put({ version: 3 });

      const updated = await sut.update(tenantContext(), ticket.id, 'W/"3"', {
        status: TicketStatus.PENDING,
        priority: TicketPriority.HIGH,
      });

      expect(updated).toMatchObject({ version: 4, status: TicketStatus.PENDING, priority: TicketPriority.HIGH });
      expect(db.events.map((e) => [e.field, e.fromValue, e.toValue, e.actorUserId])).toEqual([
        ['priority', TicketPriority.NORMAL, TicketPriority.HIGH, AGENT_ID],
        ['status', TicketStatus.NEW, TicketStatus.PENDING, AGENT_ID],
      ]);
    });

    it('requires If-Match with 428 precondition_required, and changes nothing', async () => {
      const { sut, db } = setup();
      const ticket = db.put();
      for (const ifMatch of [undefined, '', '*'])
        expect(await codeOf(sut.update(tenantContext(), ticket.id, ifMatch, { status: TicketStatus.OPEN }))).toBe(
          TicketsErrorCode.PreconditionRequired,
        );
      expect(db.ticket(ticket.id)).toMatchObject({ version: 1, status: TicketStatus.NEW });
    });

    it('refuses an old version with 412 version_mismatch naming the current version and its ETag', async () => {
      const { sut, db } = setup();
      const ticket = db.put({ version: 5 });

      const stale = await problemOf(sut.update(tenantContext(), ticket.id, 'W/"4"', { status: TicketStatus.OPEN }));

      expect(stale.code).toBe(TicketsErrorCode.VersionMismatch);
      expect(stale.problem).toMatchObject({
        status: 412,
        extensions: { currentVersion: 5 },
        headers: { etag: 'W/"5"' },
      });
      expect(db.ticket(ticket.id)).toMatchObject({ version: 5, status: TicketStatus.NEW });
      expect(db.events).toEqual([]);

      // The version is checked first: a change made on an old read is not judged by its rules.
      const closed = db.put({ status: TicketStatus.CLOSED, version: 2 });
      expect(await codeOf(sut.update(tenantContext(), closed.id, 'W/"1"', { status: TicketStatus.OPEN }))).toBe(
        TicketsErrorCode.VersionMismatch,
      );
    });

    it('answers 412 with the new version when another request changed the ticket between the read and the write', async () => {
      const { sut, db, tickets } = setup();
      const ticket = db.put();
      let first = true;
      tickets.afterRead = () => {
        if (first) db.touch(ticket.id, { priority: TicketPriority.LOW });
        first = false;
      };

      const stale = await problemOf(sut.update(tenantContext(), ticket.id, 'W/"1"', { status: TicketStatus.OPEN }));

      expect(stale.problem).toMatchObject({
        code: TicketsErrorCode.VersionMismatch,
        extensions: { currentVersion: 2 },
      });
      expect(db.ticket(ticket.id)).toMatchObject({
        version: 2,
        status: TicketStatus.NEW,
        priority: TicketPriority.LOW,
      });
      expect(db.events).toEqual([]);
    });

    it('keeps the version when nothing changes', async () => {
      const { sut, db } = setup();
      const ticket = db.put({ version: 2 });

      const same = await sut.update(tenantContext(), ticket.id, '"2"', { subject: ticket.subject });

      expect(same.version).toBe(2);
      expect(db.ticket(ticket.id).version).toBe(2);
      expect(db.events).toEqual([]);
    });

    it('refuses a status change the rules forbid with 422 invalid_transition, and changes nothing', async () => {
      const { sut, db } = setup();
      const ticket = db.put({ status: TicketStatus.CLOSED });

      const refused = await problemOf(
        sut.update(tenantContext(), ticket.id, 'W/"1"', { status: TicketStatus.OPEN, subject: 'Reopen please' }),
      );

      expect(refused.problem).toMatchObject({
        code: TicketsErrorCode.InvalidTransition,
        status: 422,
        extensions: { from: TicketStatus.CLOSED, to: TicketStatus.OPEN, allowed: [] },
      });
      expect(db.ticket(ticket.id)).toMatchObject({ version: 1, subject: ticket.subject });
    });

    it('refuses a new assignee who is not a member with 422 assignee_not_member', async () => {
      const { sut, db } = setup();
      const ticket = db.put();
      expect(await codeOf(sut.update(tenantContext(), ticket.id, 'W/"1"', { assigneeId: NOBODY }))).toBe(
        TicketsErrorCode.AssigneeNotMember,
      );
      expect(db.ticket(ticket.id).assigneeId).toBeNull();
    });

    it('answers 404 ticket_not_found for an unknown or trashed ticket', async () => {
      const { sut, db } = setup();
      const trashed = db.put({ deletedAt: new Date() });
      for (const id of [NOBODY, trashed.id])
        expect(await codeOf(sut.update(tenantContext(), id, 'W/"1"', { status: TicketStatus.OPEN }))).toBe(
          TicketsErrorCode.TicketNotFound,
        );
    });
  });

  describe('get', () => {
    it("answers the ticket's JSON and version, and 404 ticket_not_found for a trashed one", async () => {
      const { sut, db } = setup();
      const ticket = db.put({ version: 7 });
      const trashed = db.put({ deletedAt: new Date() });

      expect(await sut.get(ticket.id)).toMatchObject({ version: 7 });
      expect(await codeOf(sut.get(trashed.id))).toBe(TicketsErrorCode.TicketNotFound);
    });
  });
});
