import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { expectProblem, type HttpResult } from '@helpdeskly/testing';
import type { AppFixture, FixtureMember } from '../testing/app-fixture';
import { startHelpdeskSession } from '../testing/helpdesk-session';

describe('ContactsController (e2e)', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let agent: FixtureMember;
  let stranger: FixtureMember;

  before(async () => {
    ({ fx, owner, agent, other: stranger } = await startHelpdeskSession({ agent: MembershipRole.AGENT }));
  });
  after(() => fx?.close());

  const create = (body: object, token = agent.token) => fx.request('POST', '/v1/contacts', { token, body });

  it('lets an AGENT create, read and change a contact', async () => {
    const created = await create({
      name: ' Ada Lovelace ',
      email: 'Ada@Example.com',
      phone: '+44 1',
      organization: 'Engines',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+44 1',
      organization: 'Engines',
    });
    const read = await fx.request('GET', `/v1/contacts/${created.body.id}`, { token: agent.token });
    expect(read.body).toEqual(created.body);
    const changed = await fx.request('PATCH', `/v1/contacts/${created.body.id}`, {
      token: agent.token,
      body: { name: 'Ada King', phone: null },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: 'Ada King',
      email: 'ada@example.com',
      phone: null,
      organization: 'Engines',
    });
  });

  it('refuses a duplicate email, whatever its case, with 409', async () => {
    expect((await create({ name: 'Grace', email: 'grace@example.com' })).status).toBe(201);
    expectProblem(await create({ name: 'Grace 2', email: 'GRACE@example.COM' }), 409, 'contact_email_taken');
    const other = await create({ name: 'Someone', email: 'someone@example.com' });
    expectProblem(
      await fx.request('PATCH', `/v1/contacts/${other.body.id}`, {
        token: agent.token,
        body: { email: 'Grace@Example.com' },
      }),
      409,
      'contact_email_taken',
    );
  });

  it('searches by name or email and pages with a cursor', async () => {
    for (let i = 0; i < 5; i++) await create({ name: `Pager ${i}`, email: `pager-${i}@paging.test` });
    const first = await fx.request('GET', '/v1/contacts?q=pager&limit=2', { token: agent.token });
    expect(first.status).toBe(200);
    expect(first.body.items.map((c: { name: string }) => c.name)).toEqual(['Pager 0', 'Pager 1']);
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: HttpResult = await fx.request(
        'GET',
        `/v1/contacts?q=PAGING.TEST&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: agent.token },
      );
      names.push(...page.body.items.map((c: { name: string }) => c.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(names).toEqual(['Pager 0', 'Pager 1', 'Pager 2', 'Pager 3', 'Pager 4']);
  });

  it("lists a contact's tickets, newest first", async () => {
    const contact = await create({ name: 'Requester', email: 'requester@example.com' });
    for (const subject of ['first', 'second']) {
      const res = await fx.request('POST', '/v1/tickets', {
        token: agent.token,
        body: { subject, description: 'd', requesterId: contact.body.id },
      });
      expect(res.status).toBe(201);
    }
    const res = await fx.request('GET', `/v1/contacts/${contact.body.id}/tickets`, { token: agent.token });
    expect(res.status).toBe(200);
    expect(res.body.items.map((t: { subject: string }) => t.subject)).toEqual(['second', 'first']);
    expect(res.body.nextCursor).toBeNull();
  });

  it("gives another tenant's token a 404 and no data", async () => {
    const contact = await create({ name: 'Private', email: 'private@example.com' });
    for (const [method, path, body] of [
      ['GET', `/v1/contacts/${contact.body.id}`],
      ['GET', `/v1/contacts/${contact.body.id}/tickets`],
      ['PATCH', `/v1/contacts/${contact.body.id}`, { name: 'Hacked' }],
    ] as const) {
      const res = await fx.request(method, path, { token: stranger.token, body });
      expectProblem(res, 404, 'contact_not_found');
      expect(JSON.stringify(res.body)).not.toContain('private@example.com');
    }
    expect((await fx.request('GET', '/v1/contacts?q=private', { token: stranger.token })).body.items).toEqual([]);
    expect((await fx.request('GET', `/v1/contacts/${contact.body.id}`, { token: owner.token })).body.name).toBe(
      'Private',
    );
  });

  it('answers bad input with problem details, never a 500', async () => {
    const id = (await create({ name: 'Valid', email: 'valid@example.com' })).body.id;
    expectProblem(await create({ name: 'No email' }), 400, 'validation_failed');
    expectProblem(await create({ name: 'x', email: 'not-an-email' }), 400, 'validation_failed');
    expectProblem(await create({ name: '', email: 'empty@example.com' }), 400, 'validation_failed');
    expectProblem(await create({ name: 'x', email: 'x@example.com', admin: true }), 400, 'validation_failed');
    expectProblem(await create({ name: null, email: 'null@example.com' }), 400, 'validation_failed');
    expectProblem(
      await fx.request('PATCH', `/v1/contacts/${id}`, { token: agent.token, body: { name: null } }),
      400,
      'validation_failed',
    );
    expectProblem(
      await fx.request('PATCH', `/v1/contacts/${id}`, { token: agent.token, body: { email: 42 } }),
      400,
      'validation_failed',
    );
    expectProblem(await fx.request('GET', '/v1/contacts/not-a-uuid', { token: agent.token }), 400);
    expectProblem(await fx.request('GET', '/v1/contacts?limit=0', { token: agent.token }), 400, 'validation_failed');
    expectProblem(await fx.request('GET', '/v1/contacts?limit=101', { token: agent.token }), 400, 'validation_failed');
    expectProblem(await fx.request('GET', '/v1/contacts?cursor=abc', { token: agent.token }), 400, 'validation_failed');
    expectProblem(
      await fx.request('GET', `/v1/contacts/${id}/tickets?limit=x`, { token: agent.token }),
      400,
      'validation_failed',
    );
    expectProblem(
      await fx.request('GET', '/v1/contacts/00000000-0000-4000-8000-000000000000', { token: agent.token }),
      404,
      'contact_not_found',
    );
    expectProblem(await fx.request('GET', '/v1/contacts'), 401);
  });
});
