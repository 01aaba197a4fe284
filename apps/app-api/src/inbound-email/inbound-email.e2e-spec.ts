// Mail to tickets end to end: a customer's mail client (nodemailer) talks SMTP to app-api's inbound
// server, the ticket appears in the API, its acknowledgement and the agent's reply reach the mail
// catcher through the outbox, queue and email worker with the threading headers, and the
// customer's answer to that reply is threaded back as a comment. Real PostgreSQL, PgBouncer,
// Redis and SMTP on both sides.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { INestApplicationContext } from '@nestjs/common';
import { expect } from 'expect';
import { createTransport, type SendMailOptions } from 'nodemailer';
import { type Sql, sqltag as sql } from '@prisma/client/runtime/client';
import { MembershipRole } from '@helpdeskly/database';
import { type CaughtMessage, MailCatcher } from '@helpdeskly/mail';
import { deliveryStatusNotification, waitFor } from '@helpdeskly/testing';
import { startEmailWorker } from '../../../../libs/mail/src/testing/email-worker';
import { uniqueSuffix } from '../../../control-api/src/testing/control-fixture';
import { AppFixture, type FixtureMember } from '../testing/app-fixture';
import { ObjectStorage } from '@helpdeskly/storage';
import { InboundSmtpServer } from './inbound-smtp.server';

const DOMAIN = 'inbound.test';
const MAX_BYTES = 256 * 1024;

interface TicketItem {
  id: string;
  number: number;
  subject: string;
  status: string;
  requester: { email: string; name: string };
}

describe('mail to tickets (inbound SMTP)', () => {
  let dir: string;
  let catcher: MailCatcher;
  let fx: AppFixture;
  let worker: INestApplicationContext;
  let acme: FixtureMember;
  let agent: FixtureMember;
  let globex: FixtureMember;
  let port: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'helpdeskly-inbound-'));
    catcher = await MailCatcher.start({ dir, httpPort: null });
    const env = {
      QUEUE_PREFIX: `hd-inbound-${uniqueSuffix()}`,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(catcher.smtpPort),
      MAIL_FROM: 'support@helpdeskly.test',
      INBOUND_DOMAIN: DOMAIN,
      INBOUND_SMTP_PORT: '0',
      INBOUND_SMTP_HOST: '127.0.0.1',
      INBOUND_MAX_MESSAGE_BYTES: String(MAX_BYTES),
      INBOUND_MAX_RECIPIENTS: '3',
      // Every test writes from senders of its own, at most a few messages each.
      INBOUND_RATE_LIMIT_PER_SENDER: '5',
      STORAGE_LOCAL_DIR: join(dir, 'storage'),
      ATTACHMENT_MAX_FILES: '4',
    };
    fx = await AppFixture.start(env);
    worker = await startEmailWorker(env);
    port = fx.running.app.get(InboundSmtpServer).port!;
    acme = await fx.createTenantWithOwner();
    agent = await fx.addMember(acme.tenant, MembershipRole.AGENT);
    globex = await fx.createTenantWithOwner();
  });
  after(async () => {
    await worker?.close();
    await fx?.close();
    await catcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const addressOf = (member: FixtureMember) => `${member.tenant.slug}@${DOMAIN}`;
  const customer = () => `customer-${uniqueSuffix()}@example.test`;
  /** Sends as a mail client would; resolves with the server's answer or rejects with its refusal. */
  const send = (mail: SendMailOptions) =>
    createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true }).sendMail(mail);
  const tickets = async (member: FixtureMember, query = '') =>
    (await fx.request<{ items: TicketItem[] }>('GET', `/v1/tickets?limit=100${query}`, { token: member.token })).body
      .items;
  const ticketOf = async (member: FixtureMember, requesterEmail: string): Promise<TicketItem[]> =>
    (await tickets(member)).filter((t) => t.requester.email === requesterEmail);
  const waitForMail = async (address: string, count = 1): Promise<CaughtMessage[]> => {
    const read = async () => (await catcher.messages()).filter((m) => m.to.includes(address));
    await waitFor(`${count} email(s) to ${address}`, async () => (await read()).length >= count, 20_000, 100);
    return read();
  };
  const comments = async (member: FixtureMember, ticketId: string) =>
    (
      await fx.request<{ items: Array<{ body: string; authorContactId: string | null; authorUserId: string | null }> }>(
        'GET',
        `/v1/tickets/${ticketId}/comments`,
        { token: member.token },
      )
    ).body.items;
  /** Rows of the tenant's database, read as the tenant's own role. */
  const rows = <R extends Record<string, unknown>>(member: FixtureMember, statement: Sql) =>
    fx.asTenant(member, (db) => db.query<R>(statement, 'test'));
  const records = (member: FixtureMember) =>
    rows<{ message_id: string; outcome: string; reason: string | null; ticket_id: string | null }>(
      member,
      sql`SELECT message_id, outcome, reason, ticket_id FROM inbound_emails ORDER BY received_at, id`,
    );

  it('opens a ticket of a customer mail, acknowledges it with threading headers, and threads the answer to the agent reply back', async () => {
    const ada = customer();
    await send({
      from: { name: 'Ada Lovelace', address: ada },
      to: addressOf(acme),
      cc: 'boss@example.test',
      subject: 'Printer on fire',
      text: 'It has been burning since this morning.',
      messageId: `<first-${uniqueSuffix()}@example.test>`,
    });
    const [ticket] = await ticketOf(acme, ada);
    expect(ticket).toMatchObject({
      subject: 'Printer on fire',
      status: 'NEW',
      requester: { email: ada, name: 'Ada Lovelace' },
    });
    const full = await fx.request<{ description: string }>('GET', `/v1/tickets/${ticket!.id}`, { token: acme.token });
    expect(full.body.description).toBe('It has been burning since this morning.');
    const [ack] = await waitForMail(ada);
    expect(ack!.subject).toBe(`[#${ticket!.number}] Printer on fire`);
    expect(ack!.inReplyTo).toBe(`<ticket-${ticket!.id}@helpdeskly>`);
    // Answers go to the ticket's own reply address, and the customer's CC is copied.
    const [{ token }] = (await rows<{ token: string }>(
      acme,
      sql`SELECT reply_token AS token FROM tickets WHERE id = ${ticket!.id}::uuid`,
    )) as [{ token: string }];
    expect(ack!.replyTo).toBe(`${acme.tenant.slug}+t${token}@${DOMAIN}`);
    expect(ack!.cc).toEqual(['boss@example.test']);

    // The agent answers in the web console and sets the ticket PENDING (waiting for the customer).
    expect(
      (
        await fx.request('POST', `/v1/tickets/${ticket!.id}/comments`, {
          token: agent.token,
          body: { body: 'Please unplug it.', visibility: 'PUBLIC' },
        })
      ).status,
    ).toBe(201);
    const current = await fx.request<{ version: number }>('GET', `/v1/tickets/${ticket!.id}`, { token: agent.token });
    expect(
      (
        await fx.request('PATCH', `/v1/tickets/${ticket!.id}`, {
          token: agent.token,
          headers: { 'if-match': `W/"${current.body.version}"` },
          body: { status: 'PENDING' },
        })
      ).status,
    ).toBe(200);
    const reply = (await waitForMail(ada, 2)).find((m) => m.text.includes('Please unplug it.'))!;
    expect(reply.references).toContain(`<ticket-${ticket!.id}@helpdeskly>`);
    expect(reply.replyTo).toBe(ack!.replyTo);
    expect(reply.cc).toEqual(['boss@example.test']);

    // The customer's mail client answers the reply: In-Reply-To its Message-ID, References the thread, quote below.
    await send({
      from: ada,
      to: addressOf(acme),
      subject: `Re: ${reply.subject}`,
      inReplyTo: reply.messageId!,
      references: [...reply.references, reply.messageId!],
      text: `Done, it stopped.\n\nOn Fri, Dec 4, 2026, ${acme.tenant.name} <support@helpdeskly.test> wrote:\n> Please unplug it.\n`,
    });
    const thread = await comments(acme, ticket!.id);
    expect(thread.map((c) => c.body)).toEqual(['Please unplug it.', 'Done, it stopped.']);
    expect(thread[1]).toMatchObject({ authorUserId: null });
    expect(thread[1]!.authorContactId).not.toBeNull();
    // The requester's reply reopened the PENDING ticket.
    expect((await ticketOf(acme, ada))[0]!.status).toBe('OPEN');
    // Still one ticket: the reply did not open another.
    expect(await ticketOf(acme, ada)).toHaveLength(1);
    expect((await records(acme)).filter((r) => r.ticket_id === ticket!.id).map((r) => [r.outcome, r.reason])).toEqual([
      ['TICKET_CREATED', null],
      ['COMMENT_ADDED', 'threaded by references'],
    ]);
  });

  it('refuses an unknown mailbox at RCPT with 550 and stores nothing', async () => {
    const before = (await records(acme)).length;
    await expect(
      send({ from: customer(), to: `nobody-${uniqueSuffix()}@${DOMAIN}`, subject: 'x', text: 'y' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    await expect(send({ from: customer(), to: 'acme@elsewhere.test', subject: 'x', text: 'y' })).rejects.toMatchObject({
      responseCode: 550,
    });
    expect(await records(acme)).toHaveLength(before);
  });

  it('accepts an alias the tenant added through control-api, only for that tenant, and refuses it once deleted', async () => {
    const created = await fx.control.request('POST', '/v1/email-aliases', {
      token: acme.token,
      body: { name: 'Billing' },
    });
    expect(created.status).toBe(201);
    const alias = `${acme.tenant.slug}.billing@${DOMAIN}`;
    expect(created.body).toMatchObject({ name: 'billing', address: alias });
    const cleo = customer();
    await send({ from: cleo, to: alias.toUpperCase(), subject: 'Invoice 42', text: 'Charged twice.' });
    const [ticket] = await ticketOf(acme, cleo);
    expect(ticket).toMatchObject({ subject: 'Invoice 42' });
    expect((await records(acme)).find((r) => r.ticket_id === ticket!.id)).toMatchObject({ outcome: 'TICKET_CREATED' });
    const [recipient] = await rows<{ recipient: string }>(
      acme,
      sql`SELECT recipient FROM inbound_emails WHERE ticket_id = ${ticket!.id}::uuid`,
    );
    // The ticket records which address it came in on.
    expect(recipient!.recipient).toBe(alias);

    // Another tenant's slug with acme's alias name is no address; nor is an alias acme does not have.
    for (const to of [`${globex.tenant.slug}.billing@${DOMAIN}`, `${acme.tenant.slug}.sales@${DOMAIN}`])
      await expect(send({ from: cleo, to, subject: 'x', text: 'y' })).rejects.toMatchObject({ responseCode: 550 });

    const deleted = await fx.control.request('DELETE', `/v1/email-aliases/${created.body.id}`, { token: acme.token });
    expect(deleted.status).toBe(204);
    await expect(send({ from: cleo, to: alias, subject: 'Again', text: 'y' })).rejects.toMatchObject({
      responseCode: 550,
    });
    expect(await ticketOf(acme, cleo)).toHaveLength(1);
  });

  it('gives each tenant of a message its own ticket, and neither sees the other', async () => {
    const bob = customer();
    await send({ from: bob, to: [addressOf(acme), addressOf(globex)], subject: 'Both of you', text: 'Hi both.' });
    const [inAcme] = await ticketOf(acme, bob);
    const [inGlobex] = await ticketOf(globex, bob);
    expect(inAcme!.subject).toBe('Both of you');
    expect(inGlobex!.subject).toBe('Both of you');
    expect(inAcme!.id).not.toBe(inGlobex!.id);
    expect((await fx.request('GET', `/v1/tickets/${inAcme!.id}`, { token: globex.token })).status).toBe(404);
    expect((await fx.request('GET', `/v1/tickets/${inGlobex!.id}`, { token: acme.token })).status).toBe(404);
    // Neither ticket lists the other tenant's address as a CC.
    const [cc] = await rows<{ cc: string[] }>(
      acme,
      sql`SELECT cc_emails AS cc FROM tickets WHERE id = ${inAcme!.id}::uuid`,
    );
    expect(cc!.cc).toEqual([]);
  });

  it('gives each message of one SMTP session its own recipients', async () => {
    const kim = customer();
    const pooled = createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
    });
    try {
      await pooled.sendMail({ from: kim, to: addressOf(acme), subject: 'First of the session', text: 'a' });
      await pooled.sendMail({ from: kim, to: addressOf(globex), subject: 'Second of the session', text: 'b' });
    } finally {
      pooled.close();
    }
    expect((await ticketOf(acme, kim)).map((t) => t.subject)).toEqual(['First of the session']);
    expect((await ticketOf(globex, kim)).map((t) => t.subject)).toEqual(['Second of the session']);
  });

  it('processes a message delivered twice once, and records auto-replies and bulk mail without a ticket', async () => {
    const carol = customer();
    const messageId = `<twice-${uniqueSuffix()}@example.test>`;
    for (let i = 0; i < 2; i++)
      await send({ from: carol, to: addressOf(acme), subject: 'Sent twice', text: 'Once please.', messageId });
    expect(await ticketOf(acme, carol)).toHaveLength(1);

    const dave = customer();
    await send({
      from: dave,
      to: addressOf(acme),
      subject: 'Out of office',
      text: 'I am away.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    await send({
      from: dave,
      to: addressOf(acme),
      subject: 'Newsletter',
      text: 'News.',
      headers: { Precedence: 'bulk' },
    });
    // From our own address (the header decides); the envelope sender is one of this run, as the rate limit counts per envelope sender.
    await send({
      from: 'support@helpdeskly.test',
      to: addressOf(acme),
      envelope: { from: customer(), to: [addressOf(acme)] },
      subject: 'Our own',
      text: 'Loop?',
    });
    expect(await ticketOf(acme, dave)).toHaveLength(0);
    const outcomes = (await records(acme)).map((r) => r.outcome);
    expect(outcomes).toEqual(expect.arrayContaining(['AUTO_REPLY', 'BULK', 'OWN_ADDRESS']));
    expect((await records(acme)).filter((r) => r.message_id === messageId)).toHaveLength(1);

    // A bounce of our mail to carol: no ticket, and her contact shows the address fails.
    const dsn = deliveryStatusNotification({
      to: addressOf(acme),
      messageId: `<dsn-${uniqueSuffix()}@mx.example.test>`,
      mta: 'mx.example.test',
      recipients: [{ address: carol, action: 'failed', status: '5.1.1' }],
    });
    // A sender of its own: the null sender (<>) of real bounces is limited per client IP, shared by every run here.
    await send({ envelope: { from: `bounces-${uniqueSuffix()}@mx.example.test`, to: [addressOf(acme)] }, raw: dsn });
    const [carolTicket] = await ticketOf(acme, carol);
    const contact = await fx.request<{ emailBouncedAt: string | null }>(
      'GET',
      `/v1/contacts/${(await fx.request<{ requesterId: string }>('GET', `/v1/tickets/${carolTicket!.id}`, { token: acme.token })).body.requesterId}`,
      { token: acme.token },
    );
    expect(contact.body.emailBouncedAt).toEqual(expect.any(String));
    expect((await records(acme)).find((r) => r.outcome === 'BOUNCE')?.reason).toBe(
      'delivery status notification; 1 contact(s) marked as bouncing',
    );
  });

  it('threads by the reply address and by [#N] from a participant, never by [#N] from a stranger', async () => {
    const erin = customer();
    await send({ from: erin, to: addressOf(acme), subject: 'Token test', text: 'First.' });
    const [ticket] = await ticketOf(acme, erin);
    const [{ t: token }] = (await rows<{ t: string }>(
      acme,
      sql`SELECT reply_token AS t FROM tickets WHERE id = ${ticket!.id}::uuid`,
    )) as [{ t: string }];
    await send({
      from: erin,
      to: `${acme.tenant.slug}+t${token}@${DOMAIN}`,
      subject: 'no tag here',
      text: 'By token.',
    });
    await send({ from: erin, to: addressOf(acme), subject: `Re: [#${ticket!.number}] Token test`, text: 'By tag.' });
    const mallory = customer();
    await send({ from: mallory, to: addressOf(acme), subject: `Re: [#${ticket!.number}] Token test`, text: 'Sneaky.' });
    expect((await comments(acme, ticket!.id)).map((c) => c.body)).toEqual(['By token.', 'By tag.']);
    expect(await ticketOf(acme, mallory)).toHaveLength(1);
  });

  it('opens a follow-up of a CLOSED ticket instead of commenting on it', async () => {
    const frank = customer();
    await send({ from: frank, to: addressOf(acme), subject: 'Old problem', text: 'Broken.' });
    const [ticket] = await ticketOf(acme, frank);
    for (const status of ['SOLVED', 'CLOSED']) {
      const current = await fx.request<{ version: number }>('GET', `/v1/tickets/${ticket!.id}`, { token: agent.token });
      const patched = await fx.request('PATCH', `/v1/tickets/${ticket!.id}`, {
        token: agent.token,
        headers: { 'if-match': `W/"${current.body.version}"` },
        body: { status },
      });
      expect({ status, code: patched.status }).toEqual({ status, code: 200 });
    }
    await send({
      from: frank,
      to: addressOf(acme),
      subject: 'Re: Old problem',
      text: 'It is broken again.',
      references: `<ticket-${ticket!.id}@helpdeskly>`,
    });
    const mine = await ticketOf(acme, frank);
    expect(mine).toHaveLength(2);
    const followUp = mine.find((t) => t.id !== ticket!.id)!;
    expect(followUp.status).toBe('NEW');
    const record = (await records(acme)).find((r) => r.ticket_id === followUp.id)!;
    expect(record).toMatchObject({ outcome: 'FOLLOW_UP_CREATED', reason: `follows up closed ticket ${ticket!.id}` });
  });

  it('refuses a message over INBOUND_MAX_MESSAGE_BYTES with 552, storing nothing, and recipients past INBOUND_MAX_RECIPIENTS with 452', async () => {
    const grace = customer();
    await expect(
      send({ from: grace, to: addressOf(acme), subject: 'Huge', text: 'x'.repeat(MAX_BYTES + 10) }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(await ticketOf(acme, grace)).toHaveLength(0);

    const many = [acme, globex, acme, globex].map((m, i) => `${m.tenant.slug}+${i}@${DOMAIN}`);
    const sent = await send({ from: grace, to: many, subject: 'Many', text: 'x' });
    // The fourth is refused for now (the sender may send it again); the message goes to the first three.
    expect(sent.rejected).toEqual([many[3]]);
    expect((sent.rejectedErrors as Array<{ responseCode: number }>).map((e) => e.responseCode)).toEqual([452]);
    expect(await ticketOf(acme, grace)).toHaveLength(1);
    expect(await ticketOf(globex, grace)).toHaveLength(1);
  });

  it('answers 450 to a sender past INBOUND_RATE_LIMIT_PER_SENDER, and still takes mail from others', async () => {
    const flood = customer();
    for (let i = 0; i < 5; i++) await send({ from: flood, to: addressOf(acme), subject: `Flood ${i}`, text: 'x' });
    await expect(send({ from: flood, to: addressOf(acme), subject: 'Flood 5', text: 'x' })).rejects.toMatchObject({
      responseCode: 450,
    });
    expect(await ticketOf(acme, flood)).toHaveLength(5);
    const calm = customer();
    await send({ from: calm, to: addressOf(acme), subject: 'Calm', text: 'x' });
    expect(await ticketOf(acme, calm)).toHaveLength(1);
  });

  it('stores nothing of a session that drops in the middle of DATA', async () => {
    const henry = customer();
    const before = (await records(acme)).length;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const lines = [
        'EHLO client.test',
        `MAIL FROM:<${henry}>`,
        `RCPT TO:<${addressOf(acme)}>`,
        'DATA',
        `From: ${henry}\r\nTo: ${addressOf(acme)}\r\nSubject: cut\r\n\r\nhalf a messa`,
      ];
      let step = 0;
      socket.on('data', (chunk) => {
        const text = chunk.toString();
        if (step < lines.length && /^(220|250|354)/m.test(text)) socket.write(`${lines[step++]}\r\n`);
        if (step === lines.length) {
          step++;
          // Gone before the final dot.
          setTimeout(() => socket.destroy(), 100);
        }
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    // Give the server a moment to notice, then check that it stored nothing.
    await new Promise((r) => setTimeout(r, 300));
    expect(await records(acme)).toHaveLength(before);
    expect(await ticketOf(acme, henry)).toHaveLength(0);
  });
  it("shows the tenant's admins what became of each message, and nothing of another tenant's", async () => {
    const ivy = customer();
    await send({ from: ivy, to: addressOf(acme), subject: 'Listed', text: 'Hello.' });
    await send({
      from: ivy,
      to: addressOf(acme),
      subject: 'Away',
      text: 'x',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    type Page = { items: Array<{ fromAddress: string; subject: string; outcome: string; ticketId: string | null }> };
    const page = await fx.request<Page>('GET', '/v1/inbound-emails?limit=100', { token: acme.token });
    expect(page.status).toBe(200);
    const mine = page.body.items.filter((e) => e.fromAddress === ivy);
    // Newest first.
    expect(mine.map((e) => [e.subject, e.outcome])).toEqual([
      ['Away', 'AUTO_REPLY'],
      ['Listed', 'TICKET_CREATED'],
    ]);
    const [ticket] = await ticketOf(acme, ivy);
    expect(mine[1]!.ticketId).toBe(ticket!.id);
    const onlyAutoReplies = await fx.request<Page>('GET', '/v1/inbound-emails?outcome=AUTO_REPLY&limit=100', {
      token: acme.token,
    });
    expect(new Set(onlyAutoReplies.body.items.map((e) => e.outcome))).toEqual(new Set(['AUTO_REPLY']));
    const ofTicket = await fx.request<Page>('GET', `/v1/inbound-emails?ticketId=${ticket!.id}`, { token: acme.token });
    expect(ofTicket.body.items.map((e) => e.subject)).toEqual(['Listed']);

    // The message as it arrived, quotes and all: to the tenant's admins only.
    const listedAgain = await fx.request<{ items: Array<{ id: string; fromAddress: string; subject: string }> }>(
      'GET',
      '/v1/inbound-emails?limit=100',
      { token: acme.token },
    );
    const recordId = listedAgain.body.items.find((e) => e.fromAddress === ivy && e.subject === 'Listed')!.id;
    const raw = await fetch(`${fx.running.baseUrl}/v1/inbound-emails/${recordId}/raw`, {
      headers: { authorization: `Bearer ${acme.token}` },
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    const text = await raw.text();
    expect(text).toContain('Subject: Listed');
    expect(text).toContain(`From: ${ivy}`);
    for (const [member, status] of [
      [agent, 403],
      [globex, 404],
    ] as const)
      expect((await fx.request('GET', `/v1/inbound-emails/${recordId}/raw`, { token: member.token })).status).toBe(
        status,
      );

    // Past INBOUND_RAW_RETENTION_DAYS the purge forgets the copy of a message that made no ticket
    // (the worker's jobs.e2e-spec.ts runs it): the record stays and says so, and /raw is a clear 404.
    const away = listedAgain.body.items.find((e) => e.fromAddress === ivy && e.subject === 'Away')!.id;
    await rows(acme, sql`UPDATE inbound_emails SET raw_key = NULL WHERE id = ${away}::uuid RETURNING id`);
    const kept = (
      await fx.request<{ items: Array<{ id: string; rawKept: boolean }> }>('GET', '/v1/inbound-emails?limit=100', {
        token: acme.token,
      })
    ).body.items;
    expect([away, recordId].map((id) => kept.find((e) => e.id === id)!.rawKept)).toEqual([false, true]);
    const forgotten = await fx.request('GET', `/v1/inbound-emails/${away}/raw`, { token: acme.token });
    expect([forgotten.status, forgotten.body.code]).toEqual([404, 'inbound_email_not_found']);
    expect(forgotten.body.detail).toContain('no longer kept');

    expect((await fx.request('GET', '/v1/inbound-emails', { token: agent.token })).status).toBe(403);
    const theirs = await fx.request<Page>('GET', '/v1/inbound-emails?limit=100', { token: globex.token });
    expect(theirs.body.items.some((e) => e.fromAddress === ivy)).toBe(false);
    const crossed = await fx.request<Page>('GET', `/v1/inbound-emails?ticketId=${ticket!.id}`, { token: globex.token });
    expect(crossed.body.items).toEqual([]);
  });
  it('keeps the files of a message with its ticket, sniffed and safely named, for the tenant only', async () => {
    const jane = customer();
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    await send({
      from: jane,
      to: addressOf(acme),
      subject: 'Screenshots',
      text: 'See attached.',
      html: '<p>See <img src="cid:shot@jane"></p>',
      attachments: [
        { filename: 'shot.png', content: png, cid: 'shot@jane' },
        // Declared as an image, but it is HTML with a script: it must never be served as either.
        { filename: '../../etc/passwd', content: '<html><script>alert(1)</script></html>', contentType: 'image/png' },
        { filename: 'empty.txt', content: '' },
        { filename: 'invoice\u202Efdp.exe', content: Buffer.from('MZ\x90\x00binary') },
        { filename: 'one-too-many.txt', content: 'x' },
        { filename: 'two-too-many.txt', content: 'y' },
      ],
    });
    const [ticket] = await ticketOf(acme, jane);
    type Files = {
      items: Array<{
        id: string;
        filename: string;
        contentType: string;
        size: number;
        inline: boolean;
        downloadUrl: string;
        commentId: string | null;
      }>;
    };
    const files = await fx.request<Files>('GET', `/v1/tickets/${ticket!.id}/attachments`, { token: agent.token });
    expect(files.status).toBe(200);
    expect(
      files.body.items.map(({ filename, contentType, size, inline, commentId }) => ({
        filename,
        contentType,
        size,
        inline,
        commentId,
      })),
    ).toEqual([
      { filename: 'shot.png', contentType: 'image/png', size: png.length, inline: true, commentId: null },
      { filename: 'passwd', contentType: 'text/plain', size: 38, inline: false, commentId: null },
      { filename: 'invoicefdp.exe', contentType: 'application/x-msdownload', size: 11, inline: false, commentId: null },
      { filename: 'one-too-many.txt', contentType: 'text/plain', size: 1, inline: false, commentId: null },
    ]);
    const record = (await records(acme)).find((r) => r.ticket_id === ticket!.id)!;
    expect(record.reason).toBe('files left out: empty.txt: empty; 1 file(s) past ATTACHMENT_MAX_FILES (4)');

    const [image, script] = files.body.items;
    const shown = await fetch(`${fx.running.baseUrl}${image!.downloadUrl}`, {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(shown.status).toBe(200);
    expect(Buffer.from(await shown.arrayBuffer())).toEqual(png);
    expect(shown.headers.get('content-type')).toBe('image/png');
    expect(shown.headers.get('content-disposition')).toBe(`inline; filename="shot.png"; filename*=UTF-8''shot.png`);
    const downloaded = await fetch(`${fx.running.baseUrl}${script!.downloadUrl}`, {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(await downloaded.text()).toBe('<html><script>alert(1)</script></html>');
    expect({
      type: downloaded.headers.get('content-type'),
      disposition: downloaded.headers.get('content-disposition'),
      nosniff: downloaded.headers.get('x-content-type-options'),
      csp: downloaded.headers.get('content-security-policy'),
    }).toEqual({
      type: 'text/plain',
      disposition: `attachment; filename="passwd"; filename*=UTF-8''passwd`,
      nosniff: 'nosniff',
      csp: "default-src 'none'; sandbox",
    });

    // Another tenant: 404 for the files, their bytes and the ticket's list, as for unknown ids.
    for (const path of [`/v1/attachments/${image!.id}`, image!.downloadUrl, `/v1/tickets/${ticket!.id}/attachments`]) {
      const crossed = await fx.request('GET', path, { token: globex.token });
      expect({ path, status: crossed.status }).toEqual({ path, status: 404 });
    }
    expect((await fx.request('GET', image!.downloadUrl)).status).toBe(401);

    // A reply's files belong to its comment; the raw messages are kept for replay.
    await send({
      from: jane,
      to: addressOf(acme),
      subject: `Re: [#${ticket!.number}] Screenshots`,
      text: 'One more.',
      attachments: [{ filename: 'more.txt', content: 'more' }],
    });
    const after = await fx.request<Files>('GET', `/v1/tickets/${ticket!.id}/attachments`, { token: agent.token });
    const [reply] = (await comments(acme, ticket!.id)).filter((c) => c.body === 'One more.');
    expect(after.body.items.at(-1)).toMatchObject({ filename: 'more.txt', commentId: expect.any(String) });
    expect(reply).toBeDefined();
    const raws = await rows<{ raw_key: string }>(
      acme,
      sql`SELECT raw_key FROM inbound_emails WHERE ticket_id = ${ticket!.id}::uuid`,
    );
    expect(raws).toHaveLength(2);
    const storage = fx.running.app.get(ObjectStorage);
    for (const { raw_key } of raws) {
      expect(raw_key.startsWith(`tenants/${acme.tenant.id}/inbound/`)).toBe(true);
      expect((await storage.head(raw_key))?.size).toBeGreaterThan(0);
    }

    // The first message's HTML, made safe: its cid: image through its attachment, nothing else.
    const ofTicket = await fx.request<{ items: Array<{ id: string; subject: string }> }>(
      'GET',
      `/v1/inbound-emails?ticketId=${ticket!.id}`,
      { token: acme.token },
    );
    const first = ofTicket.body.items.find((e) => e.subject === 'Screenshots')!;
    const html = await fetch(`${fx.running.baseUrl}/v1/inbound-emails/${first.id}/html`, {
      headers: { authorization: `Bearer ${acme.token}` },
    });
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain('sandbox');
    expect(await html.text()).toBe(`<p>See <img src="${image!.downloadUrl}" /></p>`);

    // Purged from the trash, the ticket takes its files and its raw messages with it.
    const keys = await rows<{ key: string }>(
      acme,
      sql`SELECT storage_key AS key FROM attachments WHERE ticket_id = ${ticket!.id}::uuid`,
    );
    expect(keys).toHaveLength(5);
    expect((await fx.request('DELETE', `/v1/tickets/${ticket!.id}`, { token: acme.token })).status).toBe(204);
    expect((await fx.request('DELETE', `/v1/trash/${ticket!.id}`, { token: acme.token })).status).toBe(204);
    for (const { key } of [...keys, ...raws.map((r) => ({ key: r.raw_key }))])
      expect({ key, left: await storage.head(key) }).toEqual({ key, left: null });

    // Counted: messages by outcome, files stored, left out and deleted.
    const metrics = await (await fetch(`${fx.running.baseUrl}/metrics`)).text();
    const value = (series: string) =>
      Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    expect(value('helpdeskly_inbound_emails_total{outcome="ticket_created"}')).toBeGreaterThan(0);
    expect(value('helpdeskly_inbound_emails_total{outcome="duplicate"}')).toBeGreaterThan(0);
    expect(value('helpdeskly_attachments_total{event="stored"}')).toBeGreaterThanOrEqual(5);
    expect(value('helpdeskly_attachments_total{event="left_out"}')).toBeGreaterThanOrEqual(2);
    expect(value('helpdeskly_attachments_total{event="deleted"}')).toBeGreaterThanOrEqual(5);
  });
});
