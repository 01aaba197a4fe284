import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import type { AppFixture, FixtureMember } from '../testing/app-fixture';
import { startHelpdeskSession } from '../testing/helpdesk-session';
import { readEvents, readTicket, seedTickets } from '../tickets/ticket-seed.fixture';

describe('tags', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let admin: FixtureMember;
  let agent: FixtureMember;
  let ownerB: FixtureMember;

  before(async () => {
    const session = await startHelpdeskSession({ admin: MembershipRole.ADMIN, agent: MembershipRole.AGENT });
    ({ fx, owner, admin, agent, other: ownerB } = session);
  });
  after(() => fx?.close());

  const add = (member: FixtureMember, ticketId: string, tags: unknown) =>
    fx.request('POST', `/v1/tickets/${ticketId}/tags`, { token: member.token, body: { tags } });
  const remove = (member: FixtureMember, ticketId: string, tag: string) =>
    fx.request('DELETE', `/v1/tickets/${ticketId}/tags/${encodeURIComponent(tag)}`, { token: member.token });
  const listTags = async (member: FixtureMember) =>
    (await fx.request('GET', '/v1/tags', { token: member.token })).body.items as Array<{
      name: string;
      ticketCount: number;
    }>;

  it('adds tags normalized (trimmed, lower-cased, created once), bumps the version and records a tags event', async () => {
    const [ticket] = await seedTickets(fx, owner, [{}]);
    const added = await add(agent, ticket.id, ['  Billing ', 'VIP', 'billing', 'follow up', 'a_b-c']);
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ ticketId: ticket.id, tags: ['a_b-c', 'billing', 'follow up', 'vip'] });
    expect((await readTicket(fx, owner, ticket.id)).version).toBe(2);
    const again = await add(agent, ticket.id, ['vip']);
    expect(again.body.tags).toEqual(['a_b-c', 'billing', 'follow up', 'vip']);
    expect((await readTicket(fx, owner, ticket.id)).version).toBe(2);
    const events = (await readEvents(fx, owner, ticket.id)).filter((e) => e.field === 'tags');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorUserId: agent.user.id,
      fromValue: null,
      toValue: 'a_b-c,billing,follow up,vip',
    });
  });

  it('removes a tag (idempotently, case-insensitive)', async () => {
    const [ticket] = await seedTickets(fx, owner, [{ tags: ['one', 'two'] }]);
    const removed = await remove(agent, ticket.id, 'ONE');
    expect(removed.status).toBe(200);
    expect(removed.body.tags).toEqual(['two']);
    expect((await remove(agent, ticket.id, 'one')).body.tags).toEqual(['two']);
    const events = (await readEvents(fx, owner, ticket.id)).filter((e) => e.field === 'tags');
    expect(events.map((e) => [e.fromValue, e.toValue])).toEqual([['one,two', 'two']]);
  });

  it('lists tags by name with counts of tickets outside the trash', async () => {
    await seedTickets(fx, owner, [
      { tags: ['count-x', 'count-y'] },
      { tags: ['count-x'] },
      { tags: ['count-x'], deletedAt: new Date() },
    ]);
    await fx.asTenant(owner, (db) => db.client().tag.create({ data: { name: 'count-z' } }));
    const tags = (await listTags(agent)).filter((t) => t.name.startsWith('count-'));
    expect(tags).toEqual([
      { name: 'count-x', ticketCount: 2 },
      { name: 'count-y', ticketCount: 1 },
      { name: 'count-z', ticketCount: 0 },
    ]);
  });

  it('lets OWNERs and ADMINs rename (409 on a taken name) and delete tags, never AGENTs', async () => {
    const [ticket] = await seedTickets(fx, owner, [{ tags: ['old-name', 'keep'] }]);
    await seedTickets(fx, owner, [{ tags: ['taken'] }]);
    expect(
      (await fx.request('PATCH', '/v1/tags/old-name', { token: agent.token, body: { name: 'new-name' } })).status,
    ).toBe(403);
    expect((await fx.request('DELETE', '/v1/tags/old-name', { token: agent.token })).status).toBe(403);
    const taken = await fx.request('PATCH', '/v1/tags/old-name', { token: admin.token, body: { name: 'Taken' } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('tag_name_taken');
    const renamed = await fx.request('PATCH', '/v1/tags/OLD-name', {
      token: admin.token,
      body: { name: ' New-Name ' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ name: 'new-name' });
    expect(
      (await fx.request('PATCH', '/v1/tags/old-name', { token: owner.token, body: { name: 'x' } })).body.code,
    ).toBe('tag_not_found');
    const list = await fx.request('GET', `/v1/tickets?tag=new-name`, { token: agent.token });
    expect(list.body.items.map((t: { id: string; tags: string[] }) => [t.id, t.tags])).toEqual([
      [ticket.id, ['keep', 'new-name']],
    ]);

    expect((await fx.request('DELETE', '/v1/tags/new-name', { token: owner.token })).status).toBe(204);
    expect((await fx.request('DELETE', '/v1/tags/new-name', { token: owner.token })).status).toBe(404);
    expect((await listTags(agent)).map((t) => t.name)).not.toContain('new-name');
    const events = (await readEvents(fx, owner, ticket.id)).filter((e) => e.field === 'tags');
    expect(events.map((e) => [e.fromValue, e.toValue])).toEqual([
      ['keep,old-name', 'keep,new-name'],
      ['keep,new-name', 'keep'],
    ]);
  });

  it("keeps tenant B away from tenant A's tags", async () => {
    const [ticket] = await seedTickets(fx, owner, [{ tags: ['a-only'] }]);
    expect((await add(ownerB, ticket.id, ['b'])).status).toBe(404);
    expect((await remove(ownerB, ticket.id, 'a-only')).status).toBe(404);
    expect((await listTags(ownerB)).map((t) => t.name)).not.toContain('a-only');
    expect((await fx.request('PATCH', '/v1/tags/a-only', { token: ownerB.token, body: { name: 'mine' } })).status).toBe(
      404,
    );
    expect((await fx.request('DELETE', '/v1/tags/a-only', { token: ownerB.token })).status).toBe(404);
    expect((await readTicket(fx, owner, ticket.id)).version).toBe(1);
    expect((await listTags(owner)).find((t) => t.name === 'a-only')).toEqual({ name: 'a-only', ticketCount: 1 });
  });

  it('answers bad input with problem details, never a 500', async () => {
    const [ticket] = await seedTickets(fx, owner, [{}]);
    for (const tags of [
      [],
      [''],
      ['   '],
      ['x'.repeat(51)],
      ['semi;colon'],
      ['émoji'],
      [1],
      'billing',
      null,
      Array.from({ length: 21 }, (_, i) => `t${i}`),
    ]) {
      const response = await add(agent, ticket.id, tags);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation_failed');
    }
    expect(
      (
        await fx.request('POST', `/v1/tickets/${ticket.id}/tags`, {
          token: agent.token,
          body: { tags: ['a'], more: 1 },
        })
      ).status,
    ).toBe(400);
    expect((await remove(agent, ticket.id, 'x'.repeat(51))).status).toBe(400);
    expect((await remove(agent, 'nope', 'a')).status).toBe(400);
    expect((await add(agent, '00000000-0000-4000-8000-000000000000', ['a'])).body.code).toBe('ticket_not_found');
    for (const body of [{}, { name: '' }, { name: 'a/b' }, { name: 5 }])
      expect((await fx.request('PATCH', '/v1/tags/anything', { token: owner.token, body })).status).toBe(400);
    expect((await fx.request('PATCH', '/v1/tags/bad!name', { token: owner.token, body: { name: 'ok' } })).status).toBe(
      400,
    );
  });
});
