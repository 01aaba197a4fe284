// The two-step upload: files kept for a member (POST /v1/uploads), then attached to a comment
// (attachmentIds), against app-api with a storage directory of its own and small limits.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { ObjectStorage } from '@helpdeskly/storage';
import type { AppFixture, FixtureMember } from '../testing/app-fixture';
import { PNG, type AttachmentSession, startAttachmentSession } from './attachments.fixture';

describe('pending uploads attached to comments', () => {
  let session: AttachmentSession;
  let fx: AppFixture;
  let owner: FixtureMember;
  let agent: FixtureMember;
  let other: FixtureMember;

  before(async () => {
    session = await startAttachmentSession('uploads');
    ({ fx, owner, agent, other } = session);
  });
  after(() => session?.close());

  const ticketOf = (member: FixtureMember) => session.ticketOf(member, 'uploads@example.com');
  const uploadPending = async (member: FixtureMember, files: Array<[string, Buffer | string]>) => {
    const form = new FormData();
    for (const [name, content] of files) form.append('file', new Blob([content]), name);
    const response = await fetch(`${fx.running.baseUrl}/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member.token}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const comment = (member: FixtureMember, ticketId: string, attachmentIds: string[], visibility = 'PUBLIC') =>
    fx.request('POST', `/v1/tickets/${ticketId}/comments`, {
      token: member.token,
      body: { body: 'Files attached.', visibility, attachmentIds },
    });
  const commentsOf = async (member: FixtureMember, ticketId: string) =>
    (await fx.request('GET', `/v1/tickets/${ticketId}/comments`, { token: member.token })).body.items as any[];

  it('keeps files for the member, then makes them the comment they reference, listed and downloadable', async () => {
    const ticketId = await ticketOf(agent);
    const sent = await uploadPending(agent, [
      ['screen.png', PNG],
      ['../notes.txt', 'plain words'],
    ]);
    expect(sent.status).toBe(201);
    expect(sent.body.items.map((u: any) => [u.filename, u.contentType, u.size])).toEqual([
      ['screen.png', 'image/png', PNG.length],
      ['notes.txt', 'text/plain', 11],
    ]);
    const hours = (Date.parse(sent.body.items[0].expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    // Pending, they are the member's own and on no ticket.
    const listPending = async (member: FixtureMember) =>
      (await fx.request('GET', '/v1/uploads', { token: member.token })).body.items.map((u: any) => u.id);
    expect(await listPending(agent)).toEqual(sent.body.items.map((u: any) => u.id));
    expect(await listPending(owner)).toEqual([]);
    expect((await fx.request('GET', `/v1/tickets/${ticketId}/attachments`, { token: agent.token })).body.items).toEqual(
      [],
    );

    const ids: string[] = sent.body.items.map((u: any) => u.id).reverse();
    const made = await comment(agent, ticketId, ids, 'INTERNAL');
    expect(made.status).toBe(201);
    const expected = ids.map((id) => {
      const u = sent.body.items.find((x: any) => x.id === id);
      return {
        id,
        filename: u.filename,
        contentType: u.contentType,
        size: u.size,
        downloadUrl: `/v1/attachments/${id}/content`,
      };
    });
    expect(made.body.attachments).toEqual(expected);
    expect((await commentsOf(owner, ticketId)).map((c) => c.attachments)).toEqual([expected]);
    const conversation = await fx.request('GET', `/v1/tickets/${ticketId}?include=comments`, { token: owner.token });
    expect(conversation.body.comments.items.map((c: any) => c.attachments)).toEqual([expected]);
    const listed = await fx.request('GET', `/v1/tickets/${ticketId}/attachments`, { token: owner.token });
    expect(listed.body.items.map((f: any) => [f.id, f.commentId])).toEqual(ids.map((id) => [id, made.body.id]));
    const bytes = await fetch(`${fx.running.baseUrl}${expected[1].downloadUrl}`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(Buffer.from(await bytes.arrayBuffer())).toEqual(PNG);
    expect(await listPending(agent)).toEqual([]);

    // Used once: a second comment with one of them is refused whole, and none is made.
    const again = await comment(agent, ticketId, [ids[0]]);
    expect([again.status, again.body.code, again.body.uploadIds]).toEqual([422, 'upload_not_usable', [ids[0]]]);
    expect(await commentsOf(agent, ticketId)).toHaveLength(1);
    // Attached, it is no longer an upload to discard.
    expect((await fx.request('DELETE', `/v1/uploads/${ids[0]}`, { token: agent.token })).status).toBe(404);
  });

  it("refuses another member's upload, another tenant's and an unknown id, making no comment", async () => {
    const ticketId = await ticketOf(agent);
    const [mine, owners, elsewhere] = await Promise.all([
      uploadPending(agent, [['mine.txt', 'mine']]),
      uploadPending(owner, [['owner.txt', 'owner']]),
      uploadPending(other, [['other.txt', 'other']]),
    ]);
    const unknown = '9b2f6d8e-0c1a-4e6b-9a57-3f1d2c4b5a69';
    const refused = await comment(agent, ticketId, [mine.body.items[0].id, owners.body.items[0].id]);
    expect([refused.status, refused.body.code, refused.body.uploadIds]).toEqual([
      422,
      'upload_not_usable',
      [owners.body.items[0].id],
    ]);
    for (const id of [elsewhere.body.items[0].id, unknown]) {
      const crossed = await comment(agent, ticketId, [id]);
      expect([crossed.status, crossed.body.code]).toEqual([422, 'upload_not_usable']);
    }
    expect(await commentsOf(agent, ticketId)).toEqual([]);
    // Nobody else discards it either.
    expect((await fx.request('DELETE', `/v1/uploads/${mine.body.items[0].id}`, { token: owner.token })).status).toBe(
      404,
    );
    expect((await fx.request('DELETE', `/v1/uploads/${mine.body.items[0].id}`, { token: other.token })).status).toBe(
      404,
    );
    // The refused comment left the member's upload usable.
    const made = await comment(agent, ticketId, [mine.body.items[0].id]);
    expect(made.body.attachments.map((a: any) => a.filename)).toEqual(['mine.txt']);
  });

  it('deletes a discarded upload with its file, after which it cannot be attached', async () => {
    const ticketId = await ticketOf(agent);
    const sent = await uploadPending(agent, [['gone.txt', 'gone']]);
    const id: string = sent.body.items[0].id;
    const storage = fx.running.app.get(ObjectStorage);
    const key = `tenants/${agent.tenant.id}/uploads/${id}`;
    expect(await storage.head(key)).not.toBeNull();
    expect((await fx.request('DELETE', `/v1/uploads/${id}`, { token: agent.token })).status).toBe(204);
    expect(await storage.head(key)).toBeNull();
    expect((await comment(agent, ticketId, [id])).body.code).toBe('upload_not_usable');
    expect((await fx.request('DELETE', `/v1/uploads/${id}`, { token: agent.token })).status).toBe(404);
  });

  it("counts pending uploads against the tenant's quota", async () => {
    const fresh = await fx.createTenantWithOwner();
    const kilobyte = Buffer.alloc(1000, 7);
    const first = await uploadPending(fresh, [
      ['a.bin', kilobyte],
      ['b.bin', kilobyte],
    ]);
    expect(first.status).toBe(201);
    const over = await uploadPending(fresh, [['c.bin', Buffer.alloc(1001, 7)]]);
    expect([over.status, over.body.code]).toEqual([413, 'storage_quota_exceeded']);
    expect((await fx.request('DELETE', `/v1/uploads/${first.body.items[0].id}`, { token: fresh.token })).status).toBe(
      204,
    );
    expect((await uploadPending(fresh, [['c.bin', Buffer.alloc(1001, 7)]])).status).toBe(201);
  });

  it('refuses more ids than ATTACHMENT_MAX_FILES, and ids that are not uuids', async () => {
    const ticketId = await ticketOf(agent);
    const ids = ['1', '2', '3', '4'].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
    const many = await comment(agent, ticketId, ids);
    expect([many.status, many.body.code]).toEqual([422, 'too_many_attachments']);
    expect((await comment(agent, ticketId, ['not-a-uuid'])).status).toBe(400);
  });

  it("attaches uploads to a new ticket's description, all or none, with an Idempotency-Key too", async () => {
    const sent = await uploadPending(agent, [
      ['one.txt', 'one'],
      ['two.txt', 'two'],
    ]);
    const ids: string[] = sent.body.items.map((u: any) => u.id);
    const body = (attachmentIds: string[]) => ({
      subject: 'With files',
      description: 'See attached.',
      requester: { email: 'uploads@example.com' },
      attachmentIds,
    });
    const made = await fx.request('POST', '/v1/tickets', { token: agent.token, body: body([ids[0]]) });
    expect(made.status).toBe(201);
    const files = await fx.request('GET', `/v1/tickets/${made.body.id}/attachments`, { token: agent.token });
    expect(files.body.items.map((f: any) => [f.id, f.filename, f.commentId])).toEqual([[ids[0], 'one.txt', null]]);

    // One used, one fine: no ticket, and the fine one stays the member's.
    const count = async () => (await fx.request('GET', '/v1/tickets/counts', { token: agent.token })).body;
    const before = await count();
    for (const headers of [undefined, { 'idempotency-key': `files-${made.body.id}` }]) {
      const refused = await fx.request('POST', '/v1/tickets', {
        token: agent.token,
        body: body([ids[1], ids[0]]),
        headers,
      });
      expect([refused.status, refused.body.code, refused.body.uploadIds]).toEqual([422, 'upload_not_usable', [ids[0]]]);
    }
    expect(await count()).toEqual(before);
    const keyed = await fx.request('POST', '/v1/tickets', {
      token: agent.token,
      body: body([ids[1]]),
      headers: { 'idempotency-key': `files-ok-${made.body.id}` },
    });
    expect(keyed.status).toBe(201);
    const second = await fx.request('GET', `/v1/tickets/${keyed.body.id}/attachments`, { token: agent.token });
    expect(second.body.items.map((f: any) => f.id)).toEqual([ids[1]]);
  });

  it('gives an upload to one of two comments racing for it, and deletes it when its ticket is purged', async () => {
    const ticketId = await ticketOf(agent);
    const id: string = (await uploadPending(agent, [['raced.txt', 'raced']])).body.items[0].id;
    const answers = await Promise.all([comment(agent, ticketId, [id]), comment(agent, ticketId, [id])]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
    expect(await commentsOf(agent, ticketId)).toHaveLength(1);

    const storage = fx.running.app.get(ObjectStorage);
    const key = `tenants/${agent.tenant.id}/uploads/${id}`;
    expect(await storage.head(key)).not.toBeNull();
    expect((await fx.request('DELETE', `/v1/tickets/${ticketId}`, { token: owner.token })).status).toBe(204);
    expect((await fx.request('DELETE', `/v1/trash/${ticketId}`, { token: owner.token })).status).toBe(204);
    expect(await storage.head(key)).toBeNull();
  });
});
