import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { INestApplicationContext } from '@nestjs/common';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { type CaughtMessage, MailCatcher } from '@helpdeskly/mail';
import { waitFor } from '@helpdeskly/testing';
import { startEmailWorker } from '../../../../libs/mail/src/testing/email-worker';
import { AppFixture, type FixtureMember } from '../testing/app-fixture';
import { uniqueSuffix } from '../../../control-api/src/testing/control-fixture';

describe('ticket emails (outbox, queue, SMTP)', () => {
  let dir: string;
  let catcher: MailCatcher;
  let fx: AppFixture;
  let worker: INestApplicationContext;
  let owner: FixtureMember;
  let agent: FixtureMember;
  let second: FixtureMember;
  let other: FixtureMember;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'helpdeskly-mail-'));
    catcher = await MailCatcher.start({ dir, httpPort: null });
    const env = {
      QUEUE_PREFIX: `hd-notif-${uniqueSuffix()}`,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(catcher.smtpPort),
      MAIL_FROM: 'support@helpdeskly.test',
    };
    fx = await AppFixture.start(env);
    worker = await startEmailWorker(env);
    owner = await fx.createTenantWithOwner();
    agent = await fx.addMember(owner.tenant, MembershipRole.AGENT);
    // Before any request: members are cached for TENANT_CACHE_TTL_SECONDS.
    second = await fx.addMember(owner.tenant, MembershipRole.AGENT);
    other = await fx.createTenantWithOwner();
  });
  after(async () => {
    await worker?.close();
    await fx?.close();
    await catcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const to = (address: string) => async () => (await catcher.messages()).filter((m) => m.to.includes(address));
  async function mailTo(address: string, count = 1): Promise<CaughtMessage[]> {
    const read = to(address);
    await waitFor(`${count} email(s) to ${address}`, async () => (await read()).length >= count, 20_000, 100);
    return read();
  }
  const requester = () => ({ email: `customer-${uniqueSuffix()}@example.test`, name: 'Rita <Requester>' });
  const createTicket = (member: FixtureMember, body: Record<string, unknown>) =>
    fx.request('POST', '/v1/tickets', {
      token: member.token,
      body: { subject: 'Printer <on fire>', description: 'Smoke everywhere.', ...body },
    });
  const comment = (member: FixtureMember, ticketId: string, body: Record<string, unknown>) =>
    fx.request('POST', `/v1/tickets/${ticketId}/comments`, {
      token: member.token,
      body: { visibility: 'PUBLIC', ...body },
    });

  it('acknowledges a new ticket to its requester, from the tenant, with both parts', async () => {
    const rita = requester();
    const created = await createTicket(owner, { requester: rita });
    expect(created.status).toBe(201);
    const [email] = await mailTo(rita.email);
    expect(email!.to).toEqual([rita.email]);
    expect(email!.from).toEqual({ name: owner.tenant.name, address: 'support@helpdeskly.test' });
    expect(email!.subject).toBe(`[#${created.body.number}] Printer <on fire>`);
    expect(email!.text).toContain('Hello Rita <Requester>,');
    expect(email!.text).toContain(`http://localhost:3000/tickets/${created.body.number}`);
    expect(email!.html).toContain('Hello Rita &lt;Requester&gt;,');
    expect(email!.html).toContain(`href="http://localhost:3000/tickets/${created.body.number}"`);
    expect(email!.messageId).toMatch(/^<[0-9a-f-]{36}@helpdeskly>$/);
    expect(email!.inReplyTo).toBe(`<ticket-${created.body.id}@helpdeskly>`);
  });

  it('emails a public agent reply to the requester, and an internal note to nobody', async () => {
    const rita = requester();
    const ticket = (await createTicket(owner, { requester: rita })).body;
    await mailTo(rita.email);
    expect(
      (await comment(agent, ticket.id, { body: 'Secret: the printer was unplugged.', visibility: 'INTERNAL' })).status,
    ).toBe(201);
    expect((await comment(agent, ticket.id, { body: 'Please plug it in & retry.' })).status).toBe(201);
    const emails = await mailTo(rita.email, 2);
    const reply = emails.find((m) => m.text.includes('replied'))!;
    expect(reply.text).toContain(`${agent.user.name} replied to your request #${ticket.number}:`);
    expect(reply.text).toContain('> Please plug it in & retry.');
    expect(reply.html).toContain('Please plug it in &amp; retry.');
    expect(reply.inReplyTo).toBe(`<ticket-${ticket.id}@helpdeskly>`);
    // The note was written before the reply, so it would have arrived by now.
    expect((await catcher.messages()).some((m) => m.text.includes('Secret'))).toBe(false);
    expect(emails).toHaveLength(2);
  });

  it('emails the new assignee, except an agent who assigns the ticket to themselves, and the requester reply to the assignee', async () => {
    const rita = requester();
    const selfAssigned = (await createTicket(agent, { requester: rita, assigneeId: agent.user.id })).body;
    expect(selfAssigned.assigneeId).toBe(agent.user.id);
    await mailTo(rita.email);

    const ticket = (await createTicket(owner, { requester: requester() })).body;
    const patched = await fx.request('PATCH', `/v1/tickets/${ticket.id}`, {
      token: owner.token,
      headers: { 'if-match': `W/"${ticket.version}"` },
      body: { assigneeId: agent.user.id },
    });
    expect(patched.status).toBe(200);
    const [assigned] = await mailTo(agent.user.email);
    expect(assigned!.subject).toBe(`[#${ticket.number}] Printer <on fire>`);
    expect(assigned!.text).toContain(`${owner.user.name} assigned ticket #${ticket.number}`);
    expect(assigned!.from.name).toBe(owner.tenant.name);

    expect((await comment(owner, ticket.id, { body: 'It works now, thanks!', asRequester: true })).status).toBe(201);
    const emails = await mailTo(agent.user.email, 2);
    expect(emails.find((m) => m.text.includes('answered'))!.text).toContain('> It works now, thanks!');
    // Only these two: the self-assignment sent the agent nothing.
    expect(emails).toHaveLength(2);
  });

  it('emails the assignee of a bulk assignment', async () => {
    const a = (await createTicket(owner, { requester: requester() })).body;
    const b = (await createTicket(owner, { requester: requester() })).body;
    const bulk = await fx.request('POST', '/v1/tickets/bulk', {
      token: owner.token,
      body: { ticketIds: [a.id, b.id], changes: { assigneeId: second.user.id } },
    });
    expect(bulk.status).toBe(200);
    const emails = await mailTo(second.user.email, 2);
    expect(emails.map((m) => m.subject).sort()).toEqual(
      [`[#${a.number}] Printer <on fire>`, `[#${b.number}] Printer <on fire>`].sort(),
    );
  });

  it("does not let another tenant's token comment on, read or assign a ticket", async () => {
    const rita = requester();
    const ticket = (await createTicket(owner, { requester: rita })).body;
    await mailTo(rita.email);
    expect((await comment(other, ticket.id, { body: 'Intruder reply' })).status).toBe(404);
    expect((await fx.request('GET', `/v1/tickets/${ticket.id}`, { token: other.token })).status).toBe(404);
    expect((await fx.request('GET', `/v1/tickets/${ticket.id}/comments`, { token: other.token })).status).toBe(404);
    const patched = await fx.request('PATCH', `/v1/tickets/${ticket.id}`, {
      token: other.token,
      headers: { 'if-match': `W/"${ticket.version}"` },
      body: { assigneeId: other.user.id },
    });
    expect(patched.status).toBe(404);
    // A later email of the same ticket arrives; the intruder's never does.
    expect((await comment(agent, ticket.id, { body: 'Legit reply' })).status).toBe(201);
    const emails = await mailTo(rita.email, 2);
    expect(emails.some((m) => m.text.includes('Intruder'))).toBe(false);
    expect((await catcher.messages()).some((m) => m.to.includes(other.user.email))).toBe(false);
  });
});
