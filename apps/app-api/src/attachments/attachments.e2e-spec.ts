// Uploads through the API (multipart/form-data) and downloads, against app-api with a storage
// directory of its own and small limits, so each limit is reached with a few bytes.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import type { AppFixture, FixtureMember } from '../testing/app-fixture';
import { PNG, type AttachmentSession, startAttachmentSession } from './attachments.fixture';

describe('ticket attachments (upload and download)', () => {
  let session: AttachmentSession;
  let fx: AppFixture;
  let owner: FixtureMember;
  let agent: FixtureMember;
  let other: FixtureMember;

  before(async () => {
    session = await startAttachmentSession('attachments');
    ({ fx, owner, agent, other } = session);
  });
  after(() => session?.close());

  const ticketOf = (member: FixtureMember) => session.ticketOf(member, 'files@example.com');
  const upload = async (member: FixtureMember, ticketId: string, files: Array<[string, Buffer | string]>) => {
    const form = new FormData();
    for (const [name, content] of files) form.append('file', new Blob([content]), name);
    const response = await fetch(`${fx.running.baseUrl}/v1/tickets/${ticketId}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member.token}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('keeps uploaded files with their sniffed type and a safe name, and serves them back', async () => {
    const ticketId = await ticketOf(agent);
    const sent = await upload(agent, ticketId, [
      ['screen.png', PNG],
      ['../../notes\u202Etxt.exe', 'plain words'],
    ]);
    expect(sent.status).toBe(201);
    expect(sent.body.items.map((f: any) => [f.filename, f.contentType, f.size, f.commentId])).toEqual([
      ['screen.png', 'image/png', PNG.length, null],
      ['notestxt.exe', 'text/plain', 11, null],
    ]);
    const listed = await fx.request('GET', `/v1/tickets/${ticketId}/attachments`, { token: owner.token });
    expect(listed.body.items.map((f: any) => f.id)).toEqual(sent.body.items.map((f: any) => f.id));
    const bytes = await fetch(`${fx.running.baseUrl}${sent.body.items[1].downloadUrl}`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(await bytes.text()).toBe('plain words');
    expect(bytes.headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it('answers a clear problem for every bad upload, and keeps nothing of it', async () => {
    const ticketId = await ticketOf(agent);
    const codeOf = async (result: Promise<{ status: number; body: Record<string, any> }>) => {
      const { status, body } = await result;
      return [status, body.code];
    };
    expect(
      await codeOf(
        fx.request('POST', `/v1/tickets/${ticketId}/attachments`, { token: agent.token, body: { file: 'x' } }),
      ),
    ).toEqual([415, 'multipart_required']);
    const onlyFields = new FormData();
    onlyFields.append('note', 'no file here');
    const noFile = await fetch(`${fx.running.baseUrl}/v1/tickets/${ticketId}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}` },
      body: onlyFields,
    });
    expect([noFile.status, ((await noFile.json()) as { code: string }).code]).toEqual([422, 'no_file']);
    expect(await codeOf(upload(agent, ticketId, [['empty.txt', '']]))).toEqual([422, 'empty_file']);
    expect((await upload(agent, ticketId, [['big.bin', Buffer.alloc(1025, 1)]])).status).toBe(413);
    expect(
      (
        await upload(agent, ticketId, [
          ['1.txt', 'a'],
          ['2.txt', 'b'],
          ['3.txt', 'c'],
          ['4.txt', 'd'],
        ])
      ).status,
    ).toBe(413);
    // A multipart body cut in the middle.
    const cut = await fetch(`${fx.running.baseUrl}/v1/tickets/${ticketId}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'multipart/form-data; boundary=zzz' },
      body: '--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf',
    });
    expect([cut.status, ((await cut.json()) as { code: string }).code]).toEqual([400, 'malformed_multipart']);
    expect((await fx.request('GET', `/v1/tickets/${ticketId}/attachments`, { token: agent.token })).body.items).toEqual(
      [],
    );
  });

  it("refuses files past the tenant's quota, all of them", async () => {
    const ticketId = await ticketOf(owner);
    const kilobyte = Buffer.alloc(1000, 7);
    // The first test kept 40 bytes: two of 1000 fit, the third does not.
    expect(
      (
        await upload(owner, ticketId, [
          ['a.bin', kilobyte],
          ['b.bin', kilobyte],
        ])
      ).status,
    ).toBe(201);
    const over = await upload(owner, ticketId, [
      ['c.bin', kilobyte],
      ['d.bin', Buffer.from('x')],
    ]);
    expect([over.status, over.body.code]).toEqual([413, 'storage_quota_exceeded']);
    expect(
      (await fx.request('GET', `/v1/tickets/${ticketId}/attachments`, { token: owner.token })).body.items,
    ).toHaveLength(2);
  });

  it("never takes a file for another tenant's ticket", async () => {
    const ticketId = await ticketOf(agent);
    const crossed = await upload(other, ticketId, [['x.txt', 'x']]);
    expect([crossed.status, crossed.body.code]).toEqual([404, 'ticket_not_found']);
    expect((await fx.request('GET', `/v1/tickets/${ticketId}/attachments`, { token: agent.token })).body.items).toEqual(
      [],
    );
  });
});
