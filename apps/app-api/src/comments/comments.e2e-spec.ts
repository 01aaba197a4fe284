import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, TicketStatus } from '@helpdeskly/database';
import type { AppFixture, FixtureMember } from '../testing/app-fixture';
import { startHelpdeskSession } from '../testing/helpdesk-session';
import { readEvents, readTicket, seedTickets } from '../tickets/ticket-seed.fixture';

describe('ticket comments', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let agent: FixtureMember;
  let ownerB: FixtureMember;

  before(async () => {
    ({ fx, owner, agent, other: ownerB } = await startHelpdeskSession({ agent: MembershipRole.AGENT }));
  });
  after(() => fx?.close());

  const post = (member: FixtureMember, ticketId: string, body: unknown) =>
    fx.request('POST', `/v1/tickets/${ticketId}/comments`, { token: member.token, body });
  const list = (member: FixtureMember, ticketId: string, query = '') =>
    fx.request('GET', `/v1/tickets/${ticketId}/comments${query}`, { token: member.token });

  it('stores a public agent reply, sets firstRespondedAt once, bumps the version and writes a comment event', async () => {
    const [ticket] = await seedTickets(fx, owner, [{ status: TicketStatus.OPEN }]);
    const first = await post(agent, ticket.id, { body: 'Hello, we are on it.' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      ticketId: ticket.id,
      authorUserId: agent.user.id,
      authorContactId: null,
      visibility: 'PUBLIC',
      format: 'TEXT',
      body: 'Hello, we are on it.',
    });
    const afterFirst = await readTicket(fx, owner, ticket.id);
    expect(afterFirst.firstRespondedAt?.toISOString()).toBe(first.body.createdAt);
    expect(afterFirst.version).toBe(2);

    await post(owner, ticket.id, { body: 'Second reply', format: 'MARKDOWN' });
    const afterSecond = await readTicket(fx, owner, ticket.id);
    expect(afterSecond.firstRespondedAt).toEqual(afterFirst.firstRespondedAt);
    expect(afterSecond.version).toBe(3);
    expect(afterSecond.updatedAt.getTime()).toBeGreaterThanOrEqual(afterFirst.updatedAt.getTime());

    const events = await readEvents(fx, owner, ticket.id);
    expect(events.filter((e) => e.field === 'comment').map((e) => e.actorUserId)).toEqual([
      agent.user.id,
      owner.user.id,
    ]);
    expect(events.find((e) => e.field === 'comment')?.toValue).toBe(first.body.id);
  });

  it('an internal note changes neither first response nor status', async () => {
    const [pending] = await seedTickets(fx, owner, [{ status: TicketStatus.PENDING }]);
    const note = await post(agent, pending.id, { body: 'Customer is VIP', visibility: 'INTERNAL' });
    expect(note.status).toBe(201);
    const row = await readTicket(fx, owner, pending.id);
    expect(row).toMatchObject({ status: TicketStatus.PENDING, firstRespondedAt: null, version: 2 });
  });

  it('a requester reply reopens a PENDING or SOLVED ticket, authored by the requester, and never counts as a first response', async () => {
    const [pending, solved, onHold] = await seedTickets(fx, owner, [
      { status: TicketStatus.PENDING },
      { status: TicketStatus.SOLVED },
      { status: TicketStatus.ON_HOLD },
    ]);
    await fx.asTenant(owner, (db) =>
      db.client().ticket.update({ where: { id: solved.id }, data: { solvedAt: new Date() } }),
    );
    for (const t of [pending, solved]) {
      const reply = await post(agent, t.id, { body: 'It still does not work', asRequester: true });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ authorUserId: null, authorContactId: t.requesterId });
      const row = await readTicket(fx, owner, t.id);
      expect(row).toMatchObject({ status: TicketStatus.OPEN, firstRespondedAt: null, solvedAt: null });
      const statusEvent = (await readEvents(fx, owner, t.id)).find((e) => e.field === 'status');
      expect(statusEvent).toMatchObject({ toValue: 'OPEN', actorUserId: agent.user.id, actorContactId: t.requesterId });
    }
    await post(agent, onHold.id, { body: 'Any news?', asRequester: true });
    expect((await readTicket(fx, owner, onHold.id)).status).toBe(TicketStatus.ON_HOLD);
    expect((await post(agent, onHold.id, { body: 'x', asRequester: true, visibility: 'INTERNAL' })).body.code).toBe(
      'requester_comment_internal',
    );
  });

  it('refuses comments on a CLOSED ticket with 409 ticket_closed, and 404 for a trashed or unknown ticket', async () => {
    const [closed, trashed] = await seedTickets(fx, owner, [
      { status: TicketStatus.CLOSED },
      { deletedAt: new Date() },
    ]);
    const refused = await post(agent, closed.id, { body: 'Hello?' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'ticket_closed', status: 409 });
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await list(agent, closed.id)).body.items).toEqual([]);
    for (const id of [trashed.id, '00000000-0000-4000-8000-000000000000']) {
      expect((await post(agent, id, { body: 'Hello?' })).body.code).toBe('ticket_not_found');
      expect((await list(agent, id)).status).toBe(404);
    }
  });

  it('returns HTML and script verbatim as a JSON string, never as a page', async () => {
    const [ticket] = await seedTickets(fx, owner, [{}]);
    const body = '<script>alert("x")</script><img src=x onerror=alert(1)> **bold** & "quotes"';
    const created = await post(agent, ticket.id, { body, format: 'MARKDOWN' });
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    expect(created.body.body).toBe(body);
    const read = await list(agent, ticket.id);
    expect(read.headers.get('content-type')).toMatch(/^application\/json/);
    expect(read.body.items[0].body).toBe(body);
    // Browsers must not sniff the JSON into HTML (helmet's nosniff, on every response).
    expect(read.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('applies concurrent comments one after the other: one first response, every version bump', async () => {
    const [ticket] = await seedTickets(fx, owner, [{ status: TicketStatus.OPEN }]);
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => post(i % 2 ? agent : owner, ticket.id, { body: `reply ${i}` })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(8).fill(201));
    const row = await readTicket(fx, owner, ticket.id);
    expect(row.version).toBe(9);
    const events = await readEvents(fx, owner, ticket.id);
    expect(events.filter((e) => e.field === 'comment')).toHaveLength(8);
    expect(events.filter((e) => e.field === 'firstRespondedAt')).toHaveLength(1);
    expect(replies.map((r) => r.body.createdAt)).toContain(row.firstRespondedAt!.toISOString());
  });

  it('lists oldest first, page by page, with no duplicate or gap when comments arrive between pages', async () => {
    const [ticket] = await seedTickets(fx, owner, [{}]);
    for (let i = 0; i < 5; i++) await post(agent, ticket.id, { body: `c${i}`, visibility: 'INTERNAL' });
    const seen: string[] = [];
    let cursor: string | null = null;
    let added = false;
    do {
      const page: { status: number; body: { items: Array<{ body: string }>; nextCursor: string | null } } = await list(
        agent,
        ticket.id,
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((c) => c.body));
      cursor = page.body.nextCursor;
      if (!added) {
        await post(agent, ticket.id, { body: 'c5', visibility: 'INTERNAL' });
        added = true;
      }
    } while (cursor);
    expect(seen).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
  });

  it("keeps tenant B out of tenant A's comments", async () => {
    const [ticket] = await seedTickets(fx, owner, [{}]);
    await post(agent, ticket.id, { body: 'secret of A' });
    expect((await list(ownerB, ticket.id)).status).toBe(404);
    const write = await post(ownerB, ticket.id, { body: 'from B' });
    expect(write.status).toBe(404);
    expect((await list(agent, ticket.id)).body.items.map((c: { body: string }) => c.body)).toEqual(['secret of A']);
  });

  it('answers bad input with problem details, never a 500', async () => {
    const [ticket] = await seedTickets(fx, owner, [{}]);
    const bad: unknown[] = [
      {},
      { body: '' },
      { body: 'x'.repeat(65_537) },
      { body: 12 },
      { body: 'x', visibility: 'SECRET' },
      { body: 'x', format: 'HTML' },
      { body: 'x', asRequester: 'yes' },
      { body: 'x', extra: 1 },
      [],
      'text',
    ];
    for (const body of bad) {
      const response = await post(agent, ticket.id, body);
      expect([400, 413]).toContain(response.status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await post(agent, 'not-a-uuid', { body: 'x' })).status).toBe(400);
    for (const query of ['?limit=0', '?limit=101', '?limit=x', '?cursor=nope', '?other=1']) {
      const response = await list(agent, ticket.id, query);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation_failed');
    }
    expect((await fx.request('POST', `/v1/tickets/${ticket.id}/comments`, { body: { body: 'x' } })).status).toBe(401);
  });
});
