import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { expectProblem } from '@helpdeskly/testing';
import type { AppFixture, FixtureMember } from '../testing/app-fixture';
import { startHelpdeskSession } from '../testing/helpdesk-session';
import { DEFAULT_SLA } from '../settings/sla';

const MINUTE = 60_000;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('TicketsController (e2e)', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let admin: FixtureMember;
  let agent: FixtureMember;
  let agent2: FixtureMember;
  let stranger: FixtureMember;
  let seq = 0;

  before(async () => {
    // Two connections per tenant client: one Idempotency-Key test holds a transaction open in this
    // process (as a slow first request would on another connection) while the API serves a retry.
    const session = await startHelpdeskSession(
      { admin: MembershipRole.ADMIN, agent: MembershipRole.AGENT, agent2: MembershipRole.AGENT },
      { TENANT_CLIENT_POOL_SIZE: '2' },
    );
    ({ fx, owner, admin, agent, agent2, other: stranger } = session);
  });
  after(() => fx?.close());

  const create = (body: object = {}, token = agent.token, headers?: Record<string, string>) =>
    fx.request('POST', '/v1/tickets', {
      token,
      headers,
      body: {
        subject: `Ticket ${++seq}`,
        description: 'It broke.',
        requester: { email: 'customer@example.com' },
        ...body,
      },
    });
  const patch = (id: string, version: number | undefined, body: object, token = agent.token) =>
    fx.request('PATCH', `/v1/tickets/${id}`, {
      token,
      body,
      headers: version === undefined ? {} : { 'if-match': `W/"${version}"` },
    });
  const get = (id: string, token = agent.token) => fx.request('GET', `/v1/tickets/${id}`, { token });
  const events = async (id: string) =>
    (await fx.request('GET', `/v1/tickets/${id}/events`, { token: agent.token })).body.items as {
      field: string;
      fromValue: string | null;
      toValue: string | null;
      actorUserId: string;
    }[];

  describe('create', () => {
    it('creates a NEW ticket, its requester, tags, due times from the SLA and its events', async () => {
      const res = await create({
        subject: 'Printer on fire',
        priority: 'URGENT',
        type: 'INCIDENT',
        requester: { email: 'New.Person@Example.com', name: 'New Person' },
        tags: ['Billing', ' vip ', 'billing'],
      });
      expect(res.status).toBe(201);
      const t = res.body;
      expect(t).toMatchObject({
        subject: 'Printer on fire',
        status: 'NEW',
        priority: 'URGENT',
        type: 'INCIDENT',
        assigneeId: null,
        createdById: agent.user.id,
        version: 1,
        tags: ['billing', 'vip'],
      });
      expect(t.requester).toMatchObject({ name: 'New Person', email: 'new.person@example.com' });
      expect(res.headers.get('etag')).toBe('W/"1"');
      expect(Date.parse(t.firstResponseDueAt) - Date.parse(t.createdAt)).toBe(
        DEFAULT_SLA.URGENT.firstResponseMinutes * MINUTE,
      );
      expect(Date.parse(t.resolutionDueAt) - Date.parse(t.createdAt)).toBe(
        DEFAULT_SLA.URGENT.resolutionMinutes * MINUTE,
      );
      const contact = await fx.request('GET', `/v1/contacts/${t.requesterId}`, { token: agent.token });
      expect(contact.body.email).toBe('new.person@example.com');
      const history = await events(t.id);
      expect(history.map((e) => e.field)).toEqual([
        'created',
        'subject',
        'status',
        'priority',
        'type',
        'requesterId',
        'tags',
      ]);
      expect(history.find((e) => e.field === 'created')).toMatchObject({
        toValue: `#${t.number}`,
        actorUserId: agent.user.id,
      });
      expect(history.find((e) => e.field === 'tags')?.toValue).toBe('billing, vip');
    });

    it('reuses the contact of a known email and accepts an existing requesterId', async () => {
      const a = await create({ requester: { email: 'CUSTOMER@example.com' } });
      const b = await create({ requester: undefined, requesterId: a.body.requesterId });
      expect(b.status).toBe(201);
      expect(b.body.requesterId).toBe(a.body.requesterId);
      expectProblem(await create({ requester: undefined, requesterId: UNKNOWN_ID }), 422, 'requester_not_found');
    });

    it('creates an assigned ticket OPEN, and refuses an assignee who is not a member', async () => {
      const res = await create({ assigneeId: agent2.user.id });
      expect(res.body).toMatchObject({ status: 'OPEN', assigneeId: agent2.user.id });
      expectProblem(await create({ assigneeId: stranger.user.id }), 422, 'assignee_not_member');
    });

    it('gives fifty concurrent creates fifty distinct numbers', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => create()));
      expect(results.every((r) => r.status === 201)).toBe(true);
      const numbers = results.map((r) => r.body.number as number);
      expect(new Set(numbers).size).toBe(50);
      expect(numbers.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    });

    it('gives concurrent creates by one new requester with the same new tags one contact and every tag', async () => {
      const email = `racer-${Date.now()}@example.com`;
      const tag = `race-${Date.now()}`;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          create({ requester: { email, name: `Racer ${i}` }, tags: [tag, 'shared-race'] }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
      expect(new Set(results.map((r) => r.body.requesterId)).size).toBe(1);
      for (const r of results) expect(r.body.tags).toEqual([tag, 'shared-race'].sort());
      // The first writer named the contact; later ones left it as it was.
      const contact = await fx.request('GET', `/v1/contacts/${results[0].body.requesterId}`, { token: agent.token });
      expect(contact.body.email).toBe(email);
      expect(results.map((r) => r.body.requester.name).every((name: string) => name === contact.body.name)).toBe(true);
      const listed = await fx.request('GET', `/v1/tickets?tag=${tag}&limit=100`, { token: agent.token });
      expect(listed.body.items).toHaveLength(20);
    });
  });

  describe('Idempotency-Key', () => {
    const countFor = async (email: string) => {
      const contacts = await fx.request('GET', `/v1/contacts?q=${encodeURIComponent(email)}`, { token: agent.token });
      if (contacts.body.items.length === 0) return 0;
      return (await fx.request('GET', `/v1/contacts/${contacts.body.items[0].id}/tickets`, { token: agent.token })).body
        .items.length as number;
    };

    it('creates one ticket for five concurrent retries, and every answer is the same', async () => {
      const body = { subject: 'Once only', requester: { email: 'idem-1@example.com' } };
      const results = await Promise.all(
        Array.from({ length: 5 }, () => create(body, agent.token, { 'idempotency-key': 'key-concurrent-1' })),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
      expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
      expect(await countFor('idem-1@example.com')).toBe(1);

      const later = await create(body, agent.token, { 'idempotency-key': 'key-concurrent-1' });
      expect(later.status).toBe(201);
      expect(later.body).toEqual(results[0].body);
      expect(later.headers.get('etag')).toBe('W/"1"');
      expect(await countFor('idem-1@example.com')).toBe(1);
    });

    it('refuses the same key with another body (422), and keeps keys per user', async () => {
      expect(
        (
          await create({ subject: 'A', requester: { email: 'idem-2@example.com' } }, agent.token, {
            'idempotency-key': 'key-2',
          })
        ).status,
      ).toBe(201);
      expectProblem(
        await create({ subject: 'B', requester: { email: 'idem-2@example.com' } }, agent.token, {
          'idempotency-key': 'key-2',
        }),
        422,
        'idempotency_key_reused',
      );
      const other = await create({ subject: 'A', requester: { email: 'idem-2@example.com' } }, agent2.token, {
        'idempotency-key': 'key-2',
      });
      expect(other.status).toBe(201);
      expect(other.headers.get('idempotent-replayed')).toBeNull();
      expect(await countFor('idem-2@example.com')).toBe(2);
    });

    it('forgets a key after it expires', async () => {
      const body = { subject: 'Expiring', requester: { email: 'idem-3@example.com' } };
      const first = await create(body, agent.token, { 'idempotency-key': 'key-3' });
      await fx.asTenant(agent, (db) =>
        db
          .client()
          .idempotencyKey.updateMany({ where: { key: 'key-3' }, data: { expiresAt: new Date(Date.now() - 1000) } }),
      );
      const second = await create(body, agent.token, { 'idempotency-key': 'key-3' });
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(first.body.id);
    });

    it('does not keep a key whose request failed', async () => {
      const body = { requester: { email: 'idem-4@example.com' }, assigneeId: stranger.user.id };
      expectProblem(await create(body, agent.token, { 'idempotency-key': 'key-4' }), 422, 'assignee_not_member');
      expectProblem(
        await create({ ...body, requester: undefined, requesterId: UNKNOWN_ID, assigneeId: undefined }, agent.token, {
          'idempotency-key': 'key-5',
        }),
        422,
        'requester_not_found',
      );
      expect(
        (
          await create(
            { ...body, assigneeId: undefined, requester: undefined, requesterId: (await create()).body.requesterId },
            agent.token,
            { 'idempotency-key': 'key-5' },
          )
        ).status,
      ).toBe(201);
    });

    it('answers 409 idempotency_key_in_progress when the first request holds the key too long', async () => {
      let release!: () => void;
      let taken!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const lockTaken = new Promise<void>((resolve) => (taken = resolve));
      // Another transaction holds the key (uncommitted), as a slow first request would.
      const holder = fx
        .asTenant(agent, (db) =>
          db.client().$transaction(
            async (tx) => {
              await tx.$executeRaw`INSERT INTO idempotency_keys (user_id, key, request_hash, expires_at) VALUES (${agent.user.id}::uuid, 'key-held', 'x', now() + interval '1 hour')`;
              taken();
              await held;
              throw new Error('roll back');
            },
            { timeout: 60_000 },
          ),
        )
        .catch(() => undefined);
      await lockTaken;
      const res = await create({ requester: { email: 'idem-held@example.com' } }, agent.token, {
        'idempotency-key': 'key-held',
      });
      release();
      await holder;
      expectProblem(res, 409, 'idempotency_key_in_progress');
      expect(
        (
          await create({ requester: { email: 'idem-held@example.com' } }, agent.token, {
            'idempotency-key': 'key-held',
          })
        ).status,
      ).toBe(201);
    });

    it('refuses a malformed key', async () => {
      expectProblem(await create({}, agent.token, { 'idempotency-key': 'x'.repeat(256) }), 400, 'validation_failed');
    });
  });

  describe('read', () => {
    it('reads a ticket by id and by number, with its ETag', async () => {
      const { body: t } = await create({ tags: ['read'] });
      const byId = await get(t.id);
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(t);
      expect(byId.headers.get('etag')).toBe('W/"1"');
      const byNumber = await fx.request('GET', `/v1/tickets/number/${t.number}`, { token: agent.token });
      expect(byNumber.body).toEqual(t);
      expect(byNumber.headers.get('etag')).toBe('W/"1"');
      expectProblem(await get(UNKNOWN_ID), 404, 'ticket_not_found');
      expectProblem(
        await fx.request('GET', '/v1/tickets/number/999999', { token: agent.token }),
        404,
        'ticket_not_found',
      );
      expect(byId.headers.get('content-type')).toBe('application/json; charset=utf-8');
    });

    it('reads a ticket with the first page of its comments in one request, as GET /comments pages them', async () => {
      const { body: t } = await create({ tags: ['thread'] });
      const bare = await fx.request('GET', `/v1/tickets/${t.id}?include=comments`, { token: agent.token });
      expect(bare.status).toBe(200);
      expect(bare.body).toEqual({ ...t, comments: { items: [], nextCursor: null } });
      for (let i = 0; i < 52; i++) {
        const body = i === 0 ? 'First <b>reply</b> "quoted" \u00e9\u{1F600}' : `Reply ${i}`;
        const posted = await fx.request('POST', `/v1/tickets/${t.id}/comments`, {
          token: agent.token,
          body: { body, visibility: i % 2 ? 'INTERNAL' : 'PUBLIC' },
        });
        expect(posted.status).toBe(201);
      }
      const [withComments, comments, ticket] = await Promise.all([
        fx.request('GET', `/v1/tickets/${t.id}?include=comments`, { token: agent.token }),
        fx.request('GET', `/v1/tickets/${t.id}/comments`, { token: agent.token }),
        get(t.id),
      ]);
      expect(withComments.status).toBe(200);
      expect(withComments.headers.get('etag')).toBe(`W/"${ticket.body.version}"`);
      expect(withComments.body).toEqual({ ...ticket.body, comments: comments.body });
      expect(withComments.body.comments.items).toHaveLength(50);
      expect(withComments.body.comments.items[0].body).toBe('First <b>reply</b> "quoted" \u00e9\u{1F600}');
      expect(withComments.body.comments.nextCursor).toBe(withComments.body.comments.items[49].id);
      const rest = await fx.request(
        'GET',
        `/v1/tickets/${t.id}/comments?cursor=${withComments.body.comments.nextCursor}`,
        { token: agent.token },
      );
      expect(rest.body.items.map((c: { body: string }) => c.body)).toEqual(['Reply 50', 'Reply 51']);

      expectProblem(
        await fx.request('GET', `/v1/tickets/${t.id}?include=events`, { token: agent.token }),
        400,
        'validation_failed',
      );
      expectProblem(
        await fx.request('GET', `/v1/tickets/${t.id}?include=comments`, { token: stranger.token }),
        404,
        'ticket_not_found',
      );
    });
  });

  describe('update', () => {
    it('needs If-Match (428) and refuses a stale version (412)', async () => {
      const { body: t } = await create();
      expectProblem(await patch(t.id, undefined, { subject: 'x' }), 428, 'precondition_required');
      const ok = await patch(t.id, 1, { subject: 'Renamed' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ subject: 'Renamed', version: 2 });
      expect(ok.headers.get('etag')).toBe('W/"2"');
      const stale = await patch(t.id, 1, { subject: 'Lost update' });
      expectProblem(stale, 412, 'version_mismatch');
      expect(stale.body.currentVersion).toBe(2);
      expect((await get(t.id)).body.subject).toBe('Renamed');
    });

    it('lets one of two concurrent updates of the same version win', async () => {
      const { body: t } = await create();
      const results = await Promise.all([
        patch(t.id, 1, { subject: 'A' }),
        patch(t.id, 1, { subject: 'B' }),
        patch(t.id, 1, { subject: 'C' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412]);
      expect((await get(t.id)).body.version).toBe(2);
    });

    it('writes one event per changed field, with who, from and to', async () => {
      const { body: t } = await create({ priority: 'LOW' });
      const res = await patch(t.id, 1, {
        subject: t.subject,
        description: 'New description',
        priority: 'HIGH',
        assigneeId: agent2.user.id,
      });
      expect(res.body).toMatchObject({ status: 'OPEN', priority: 'HIGH', assigneeId: agent2.user.id, version: 2 });
      const changes = (await events(t.id)).slice(-4);
      expect(changes).toEqual([
        expect.objectContaining({
          field: 'description',
          fromValue: 'It broke.',
          toValue: 'New description',
          actorUserId: agent.user.id,
        }),
        expect.objectContaining({ field: 'priority', fromValue: 'LOW', toValue: 'HIGH', actorUserId: agent.user.id }),
        expect.objectContaining({
          field: 'assigneeId',
          fromValue: null,
          toValue: agent2.user.id,
          actorUserId: agent.user.id,
        }),
        expect.objectContaining({ field: 'status', fromValue: 'NEW', toValue: 'OPEN', actorUserId: agent.user.id }),
      ]);
      expect(Date.parse(res.body.resolutionDueAt) - Date.parse(res.body.createdAt)).toBe(
        DEFAULT_SLA.HIGH.resolutionMinutes * MINUTE,
      );
      const unassigned = await patch(t.id, 2, { assigneeId: null });
      expect(unassigned.body).toMatchObject({ assigneeId: null, status: 'OPEN', version: 3 });
    });

    it('keeps the version when nothing changes', async () => {
      const { body: t } = await create();
      const res = await patch(t.id, 1, { subject: t.subject });
      expect(res.body.version).toBe(1);
    });

    it('enforces the status transitions and stamps solvedAt and closedAt', async () => {
      const { body: t } = await create();
      expectProblem(await patch(t.id, 1, { status: 'CLOSED' }), 422, 'invalid_transition');
      const solved = await patch(t.id, 1, { status: 'SOLVED' });
      expect(solved.body.solvedAt).not.toBeNull();
      const reopened = await patch(t.id, 2, { status: 'OPEN' });
      expect(reopened.body).toMatchObject({ status: 'OPEN', solvedAt: null });
      expectProblem(await patch(t.id, 3, { status: 'NEW' }), 422, 'invalid_transition');
      await patch(t.id, 3, { status: 'SOLVED' });
      const closed = await patch(t.id, 4, { status: 'CLOSED' });
      expect(closed.body.closedAt).not.toBeNull();
      const final = await patch(t.id, 5, { status: 'OPEN' });
      expectProblem(final, 422, 'invalid_transition');
      expect(final.body).toMatchObject({ from: 'CLOSED', to: 'OPEN', allowed: [] });
      expect(
        (await events(t.id)).filter((e) => e.field === 'status').map((e) => `${e.fromValue}>${e.toValue}`),
      ).toEqual(['null>NEW', 'NEW>SOLVED', 'SOLVED>OPEN', 'OPEN>SOLVED', 'SOLVED>CLOSED']);
    });

    it('refuses an assignee who is not a member of the tenant', async () => {
      const { body: t } = await create();
      expectProblem(await patch(t.id, 1, { assigneeId: stranger.user.id }), 422, 'assignee_not_member');
      expect((await get(t.id)).body.version).toBe(1);
    });
  });

  describe('trash', () => {
    it('lets only an OWNER or ADMIN delete, and hides a trashed ticket', async () => {
      const { body: t } = await create();
      expectProblem(
        await fx.request('DELETE', `/v1/tickets/${t.id}`, { token: agent.token }),
        403,
        'insufficient_role',
      );
      expect((await fx.request('DELETE', `/v1/tickets/${t.id}`, { token: admin.token })).status).toBe(204);
      expectProblem(await get(t.id), 404, 'ticket_not_found');
      expectProblem(
        await fx.request('GET', `/v1/tickets/number/${t.number}`, { token: agent.token }),
        404,
        'ticket_not_found',
      );
      expectProblem(
        await fx.request('GET', `/v1/tickets/${t.id}/events`, { token: agent.token }),
        404,
        'ticket_not_found',
      );
      expectProblem(await patch(t.id, 2, { subject: 'x' }), 404, 'ticket_not_found');
      expectProblem(await fx.request('DELETE', `/v1/tickets/${t.id}`, { token: owner.token }), 404, 'ticket_not_found');
      const requesterTickets = await fx.request('GET', `/v1/contacts/${t.requesterId}/tickets?limit=100`, {
        token: agent.token,
      });
      expect(requesterTickets.body.items.map((i: { id: string }) => i.id)).not.toContain(t.id);
    });

    it('lists the trash and restores, for an OWNER or ADMIN only', async () => {
      const { body: t } = await create();
      await fx.request('DELETE', `/v1/tickets/${t.id}`, { token: owner.token });
      expectProblem(await fx.request('GET', '/v1/trash', { token: agent.token }), 403, 'insufficient_role');
      const trash = await fx.request('GET', '/v1/trash?limit=100', { token: admin.token });
      expect(trash.status).toBe(200);
      const item = trash.body.items.find((i: { id: string }) => i.id === t.id);
      expect(item).toMatchObject({ deletedById: owner.user.id });
      expect(Date.parse(item.restorableUntil) - Date.parse(item.deletedAt)).toBe(30 * 24 * 60 * MINUTE);
      expectProblem(
        await fx.request('POST', `/v1/tickets/${t.id}/restore`, { token: agent.token }),
        403,
        'insufficient_role',
      );
      const restored = await fx.request('POST', `/v1/tickets/${t.id}/restore`, { token: admin.token });
      expect(restored.status).toBe(200);
      expect(restored.body.version).toBe(3);
      expect(restored.headers.get('etag')).toBe('W/"3"');
      expect((await get(t.id)).status).toBe(200);
      expect((await events(t.id)).map((e) => e.field).slice(-2)).toEqual(['deleted', 'restored']);
      expectProblem(
        await fx.request('POST', `/v1/tickets/${t.id}/restore`, { token: admin.token }),
        404,
        'not_in_trash',
      );
    });

    it('refuses to restore after 30 days', async () => {
      const { body: t } = await create();
      await fx.request('DELETE', `/v1/tickets/${t.id}`, { token: owner.token });
      await fx.asTenant(owner, (db) =>
        db
          .client()
          .ticket.update({ where: { id: t.id }, data: { deletedAt: new Date(Date.now() - 31 * 24 * 60 * MINUTE) } }),
      );
      expectProblem(
        await fx.request('POST', `/v1/tickets/${t.id}/restore`, { token: owner.token }),
        410,
        'restore_expired',
      );
    });

    it('purges only from the trash, for an OWNER or ADMIN', async () => {
      const { body: t } = await create();
      expectProblem(await fx.request('DELETE', `/v1/trash/${t.id}`, { token: owner.token }), 404, 'not_in_trash');
      await fx.request('DELETE', `/v1/tickets/${t.id}`, { token: owner.token });
      expectProblem(await fx.request('DELETE', `/v1/trash/${t.id}`, { token: agent.token }), 403, 'insufficient_role');
      expect((await fx.request('DELETE', `/v1/trash/${t.id}`, { token: admin.token })).status).toBe(204);
      expectProblem(
        await fx.request('POST', `/v1/tickets/${t.id}/restore`, { token: owner.token }),
        404,
        'not_in_trash',
      );
      const trash = await fx.request('GET', '/v1/trash?limit=100', { token: owner.token });
      expect(trash.body.items.map((i: { id: string }) => i.id)).not.toContain(t.id);
    });
  });

  describe('bulk', () => {
    it('changes every ticket in one call, with each new version', async () => {
      const a = (await create({ tags: ['old'] })).body;
      const b = (await create()).body;
      const res = await fx.request('POST', '/v1/tickets/bulk', {
        token: agent.token,
        body: {
          ticketIds: [a.id, b.id],
          changes: {
            status: 'PENDING',
            priority: 'HIGH',
            assigneeId: agent2.user.id,
            addTags: ['Bulk'],
            removeTags: ['old'],
          },
        },
      });
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        { ticketId: a.id, ok: true, version: 2 },
        { ticketId: b.id, ok: true, version: 2 },
      ]);
      expect((await get(a.id)).body).toMatchObject({
        status: 'PENDING',
        priority: 'HIGH',
        assigneeId: agent2.user.id,
        tags: ['bulk'],
        version: 2,
      });
      const tagEvent = (await events(a.id)).filter((e) => e.field === 'tags').pop();
      expect(tagEvent).toMatchObject({ fromValue: 'old', toValue: 'bulk' });
    });

    it('applies nothing when one ticket refuses, and says which and why', async () => {
      const a = (await create()).body;
      const closed = (await create()).body;
      await patch(closed.id, 1, { status: 'SOLVED' });
      await patch(closed.id, 2, { status: 'CLOSED' });
      const res = await fx.request('POST', '/v1/tickets/bulk', {
        token: agent.token,
        body: { ticketIds: [a.id, closed.id, UNKNOWN_ID], changes: { status: 'OPEN', addTags: ['never'] } },
      });
      expectProblem(res, 422, 'bulk_failed');
      expect(res.body.results).toEqual([
        { ticketId: a.id, ok: true },
        expect.objectContaining({ ticketId: closed.id, ok: false, error: 'invalid_transition' }),
        { ticketId: UNKNOWN_ID, ok: false, error: 'ticket_not_found' },
      ]);
      expect((await get(a.id)).body).toMatchObject({ status: 'NEW', version: 1, tags: [] });
    });

    it('refuses an assignee who is not a member', async () => {
      const a = (await create()).body;
      expectProblem(
        await fx.request('POST', '/v1/tickets/bulk', {
          token: agent.token,
          body: { ticketIds: [a.id], changes: { assigneeId: stranger.user.id } },
        }),
        422,
        'assignee_not_member',
      );
    });
  });

  describe('isolation', () => {
    it("gives another tenant's token a 404 and no data, and no way to change the ticket", async () => {
      const { body: t } = await create({ subject: 'Secret subject' });
      const tries: [string, string, object?, Record<string, string>?][] = [
        ['GET', `/v1/tickets/${t.id}`],
        ['GET', `/v1/tickets/${t.id}?include=comments`],
        ['GET', `/v1/tickets/number/${t.number}`],
        ['GET', `/v1/tickets/${t.id}/events`],
        ['PATCH', `/v1/tickets/${t.id}`, { subject: 'Hacked' }, { 'if-match': 'W/"1"' }],
        ['DELETE', `/v1/tickets/${t.id}`],
        ['POST', `/v1/tickets/${t.id}/restore`],
        ['DELETE', `/v1/trash/${t.id}`],
      ];
      for (const [method, path, body, headers] of tries) {
        const res = await fx.request(method, path, { token: stranger.token, body, headers });
        expect({ path, method, status: res.status }).toEqual({ path, method, status: 404 });
        expect(JSON.stringify(res.body)).not.toContain('Secret subject');
      }
      const bulk = await fx.request('POST', '/v1/tickets/bulk', {
        token: stranger.token,
        body: { ticketIds: [t.id], changes: { priority: 'LOW' } },
      });
      expectProblem(bulk, 422, 'bulk_failed');
      expect(bulk.body.results).toEqual([{ ticketId: t.id, ok: false, error: 'ticket_not_found' }]);
      expect((await get(t.id)).body).toMatchObject({ subject: 'Secret subject', version: 1, priority: 'NORMAL' });
    });
  });

  describe('bad input', () => {
    it('answers problem details (400/422), never a 500, on every endpoint', async () => {
      const { body: t } = await create();
      const cases: [string, string, unknown, number][] = [
        ['POST', '/v1/tickets', {}, 400],
        ['POST', '/v1/tickets', { subject: 'x', description: 'y' }, 400],
        [
          'POST',
          '/v1/tickets',
          { subject: 'x', description: 'y', requester: { email: 'a@b.co' }, requesterId: t.requesterId },
          400,
        ],
        ['POST', '/v1/tickets', { subject: 'x', description: 'y', requester: { email: 'nope' } }, 400],
        ['POST', '/v1/tickets', { subject: '', description: 'y', requester: { email: 'a@b.co' } }, 400],
        [
          'POST',
          '/v1/tickets',
          { subject: 'x', description: 'y', requester: { email: 'a@b.co' }, priority: 'SOON' },
          400,
        ],
        [
          'POST',
          '/v1/tickets',
          { subject: 'x', description: 'y', requester: { email: 'a@b.co' }, tags: ['<script>'] },
          400,
        ],
        ['POST', '/v1/tickets', { subject: 'x', description: 'y', requester: { email: 'a@b.co' }, tags: 'one' }, 400],
        [
          'POST',
          '/v1/tickets',
          { subject: 'x', description: 'y', requester: { email: 'a@b.co' }, assigneeId: 'me' },
          400,
        ],
        [
          'POST',
          '/v1/tickets',
          { subject: 'x', description: 'y', requester: { email: 'a@b.co' }, status: 'OPEN' },
          400,
        ],
        ['POST', '/v1/tickets', [], 400],
        ['PATCH', `/v1/tickets/${t.id}`, { status: 'DONE' }, 400],
        ['PATCH', `/v1/tickets/${t.id}`, { subject: null }, 400],
        ['PATCH', `/v1/tickets/${t.id}`, { version: 1 }, 400],
        ['PATCH', '/v1/tickets/not-a-uuid', { subject: 'x' }, 400],
        ['GET', '/v1/tickets/not-a-uuid', undefined, 400],
        ['GET', '/v1/tickets/number/abc', undefined, 400],
        ['GET', '/v1/tickets/number/0', undefined, 400],
        ['GET', '/v1/tickets/number/99999999999', undefined, 400],
        ['GET', '/v1/tickets/not-a-uuid/events', undefined, 400],
        ['DELETE', '/v1/tickets/not-a-uuid', undefined, 400],
        ['POST', '/v1/tickets/not-a-uuid/restore', undefined, 400],
        ['DELETE', '/v1/trash/not-a-uuid', undefined, 400],
        ['GET', '/v1/trash?limit=1000', undefined, 400],
        ['POST', '/v1/tickets/bulk', { ticketIds: [], changes: { status: 'OPEN' } }, 400],
        [
          'POST',
          '/v1/tickets/bulk',
          { ticketIds: Array.from({ length: 101 }, () => t.id), changes: { status: 'OPEN' } },
          400,
        ],
        ['POST', '/v1/tickets/bulk', { ticketIds: [t.id, t.id], changes: { status: 'OPEN' } }, 400],
        ['POST', '/v1/tickets/bulk', { ticketIds: [t.id], changes: {} }, 400],
        ['POST', '/v1/tickets/bulk', { ticketIds: [t.id] }, 400],
        ['POST', '/v1/tickets/bulk', { ticketIds: ['x'], changes: { status: 'OPEN' } }, 400],
        ['POST', '/v1/tickets/bulk', { ticketIds: [t.id], changes: { status: null } }, 400],
      ];
      for (const [method, path, body, status] of cases) {
        const res = await fx.request(method, path, {
          token: owner.token,
          body,
          headers: method === 'PATCH' ? { 'if-match': 'W/"1"' } : {},
        });
        expect({
          method,
          path,
          body,
          status: res.status,
          problem: res.headers.get('content-type')?.startsWith('application/problem+json'),
        }).toEqual({ method, path, body, status, problem: true });
      }
      expectProblem(await patch(t.id, undefined, { subject: 'x' }), 428, 'precondition_required');
      expectProblem(
        await fx.request('PATCH', `/v1/tickets/${t.id}`, {
          token: agent.token,
          body: { subject: 'x' },
          headers: { 'if-match': 'garbage' },
        }),
        412,
        'version_mismatch',
      );
      expect((await get(t.id)).body.version).toBe(1);
    });
  });
});
