import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { EmailMessage } from '../email.types';
import { renderEmail } from './render';

const ctx = { frontendUrl: 'https://app.example.test/', senderName: 'Acme <Support> & Co' };
const ticket = {
  ticketId: '9b2f7c52-6c1e-4a53-a1e1-9f8a4c1b2d3e',
  number: 42,
  subject: 'Printer <b>on fire</b> & "smoking"',
};

describe(renderEmail.name, () => {
  it('escapes every interpolated value in the HTML part and keeps the text part plain', () => {
    const message: EmailMessage = {
      template: 'agent-reply',
      to: 'r@example.test',
      data: {
        ticket,
        requesterName: '<script>alert(1)</script>',
        agentName: "O'Brien & <i>co</i>",
        body: 'Try this:\n<img src=x onerror=alert(1)>',
      },
    };
    const email = renderEmail(message, 'job-1', ctx);
    expect(email.html).not.toMatch(/<script>|<img|<i>|<b>/);
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('O&#39;Brien &amp; &lt;i&gt;co&lt;/i&gt;');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('Acme &lt;Support&gt; &amp; Co');
    expect(email.text).toContain('> <img src=x onerror=alert(1)>');
    expect(email.text).toContain('Hello <script>alert(1)</script>,');
    expect(email.text).not.toContain('&lt;');
  });

  it('names the ticket in the subject and links it from both parts', () => {
    const email = renderEmail(
      { template: 'ticket-created', to: 'r@example.test', data: { ticket, requesterName: 'Rita' } },
      'job-2',
      ctx,
    );
    expect(email.subject).toBe('[#42] Printer <b>on fire</b> & "smoking"');
    expect(email.html).toContain('<title>[#42] Printer &lt;b&gt;on fire&lt;/b&gt; &amp; &quot;smoking&quot;</title>');
    expect(email.html).toContain('href="https://app.example.test/tickets/42"');
    expect(email.text).toContain('https://app.example.test/tickets/42');
  });

  it('derives the Message-ID from the job id and threads ticket emails by ticket', () => {
    const created = renderEmail(
      { template: 'ticket-created', to: 'r@example.test', data: { ticket, requesterName: 'Rita' } },
      'a1',
      ctx,
    );
    const assigned = renderEmail(
      {
        template: 'ticket-assigned',
        to: 'a@example.test',
        data: { ticket, assigneeName: 'Ann', assignedByName: null },
      },
      'b2',
      ctx,
    );
    expect(created.messageId).toBe('<a1@helpdeskly>');
    expect(assigned.messageId).toBe('<b2@helpdeskly>');
    expect(
      renderEmail(
        { template: 'ticket-created', to: 'r@example.test', data: { ticket, requesterName: 'Rita' } },
        'a1',
        ctx,
      ).messageId,
    ).toBe(created.messageId);
    const thread = `<ticket-${ticket.ticketId}@helpdeskly>`;
    for (const email of [created, assigned]) expect(email).toMatchObject({ inReplyTo: thread, references: thread });

    const reset = renderEmail(
      {
        template: 'password-reset',
        to: 'u@example.test',
        data: {
          name: 'U',
          link: 'https://app.example.test/reset-password?token=t',
          expiresAt: '2026-12-01T10:00:00.000Z',
        },
      },
      'c3',
      ctx,
    );
    expect(reset.inReplyTo).toBeUndefined();
    expect(reset.references).toBeUndefined();
    expect(reset.html).toContain('href="https://app.example.test/reset-password?token=t"');
  });

  it('renders an HTML and a text part for every template', () => {
    const messages: EmailMessage[] = [
      {
        template: 'password-reset',
        to: 'x@example.test',
        data: { name: 'U', link: 'https://l.test/r?token=1', expiresAt: '2026-12-01T10:00:00.000Z' },
      },
      {
        template: 'invitation',
        to: 'x@example.test',
        data: {
          tenantName: 'Acme',
          inviterName: null,
          role: 'AGENT',
          link: 'https://l.test/i?token=1',
          expiresAt: '2026-12-01T10:00:00.000Z',
        },
      },
      { template: 'ticket-created', to: 'x@example.test', data: { ticket, requesterName: 'R' } },
      {
        template: 'agent-reply',
        to: 'x@example.test',
        data: { ticket, requesterName: 'R', agentName: 'A', body: 'b' },
      },
      {
        template: 'requester-reply',
        to: 'x@example.test',
        data: { ticket, assigneeName: 'A', requesterName: 'R', body: 'b' },
      },
      { template: 'ticket-assigned', to: 'x@example.test', data: { ticket, assigneeName: 'A', assignedByName: 'B' } },
    ];
    for (const message of messages) {
      const email = renderEmail(message, 'j', ctx);
      expect(email.subject.length).toBeGreaterThan(0);
      expect(email.html).toMatch(/^<!doctype html>/);
      expect(email.text.length).toBeGreaterThan(20);
      expect(email.text).not.toContain('<p>');
    }
  });
  it("answers the requester's emails to the ticket's reply address when mail to tickets is on, and nothing else", () => {
    const token = '0123456789abcdef0123456789abcdef';
    const withToken = { ...ticket, replyToken: token };
    const on = { ...ctx, inboundDomain: 'mail.example.test' };
    const created: EmailMessage = {
      template: 'ticket-created',
      to: 'r@example.test',
      mailbox: 'acme',
      data: { ticket: withToken, requesterName: 'Rita' },
    };
    expect(renderEmail(created, 'job-3', on).replyTo).toBe(`acme+t${token}@mail.example.test`);
    // Off (no INBOUND_DOMAIN), no token, or no tenant mailbox: no Reply-To, answers go to From.
    expect(renderEmail(created, 'job-3', ctx).replyTo).toBeUndefined();
    expect(renderEmail({ ...created, data: { ticket, requesterName: 'Rita' } }, 'job-3', on).replyTo).toBeUndefined();
    expect(renderEmail({ ...created, mailbox: undefined }, 'job-3', on).replyTo).toBeUndefined();
    // An assignee's answer is not the requester's: their email keeps no reply address.
    const assigned: EmailMessage = {
      template: 'ticket-assigned',
      to: 'agent@example.test',
      mailbox: 'acme',
      data: { ticket: withToken, assigneeName: 'Agent', assignedByName: null },
    };
    expect(renderEmail(assigned, 'job-4', on).replyTo).toBeUndefined();
  });
});
