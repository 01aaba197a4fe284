import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { InboundMessage } from './inbound-message';
import { findThread, type ThreadLookup, type ThreadTicket } from './thread';

/** The tenant's threading data, as its database would answer. */
class FakeLookup implements ThreadLookup {
  readonly asked: string[] = [];
  constructor(
    private readonly messageIds: Record<string, string> = {},
    private readonly tokens: Record<string, string> = {},
    private readonly numbers: Record<number, ThreadTicket> = {},
  ) {}

  async ticketsByMessageIds(ids: readonly string[]) {
    this.asked.push(`ids ${ids.join(' ')}`);
    return new Map(ids.filter((id) => this.messageIds[id]).map((id) => [id, this.messageIds[id]!]));
  }
  async ticketByReplyToken(token: string) {
    this.asked.push(`token ${token}`);
    return this.tokens[token] ?? null;
  }
  async ticketByNumber(number: number) {
    this.asked.push(`number ${number}`);
    return this.numbers[number] ?? null;
  }
}

const message = (fields: Partial<InboundMessage>): InboundMessage => ({
  messageId: '<new@example.com>',
  messageIdSynthesized: false,
  inReplyTo: [],
  references: [],
  from: { address: 'ada@example.com', name: 'Ada' },
  replyTo: [],
  to: [],
  cc: [],
  subject: 'Help',
  date: null,
  text: 'text',
  html: null,
  headers: new Map(),
  attachments: [],
  ...fields,
});
const toTenant = { replyToken: null };

describe(findThread.name, () => {
  it('takes In-Reply-To first, then References from the newest to the oldest', async () => {
    const lookup = new FakeLookup({ '<a@x>': 'ticket-a', '<b@x>': 'ticket-b', '<c@x>': 'ticket-c' });
    expect(
      await findThread(message({ inReplyTo: ['<c@x>'], references: ['<a@x>', '<b@x>'] }), toTenant, lookup),
    ).toEqual({ ticketId: 'ticket-c', matchedBy: 'in-reply-to' });
    expect(
      await findThread(message({ inReplyTo: ['<unknown@x>'], references: ['<a@x>', '<b@x>'] }), toTenant, lookup),
    ).toEqual({ ticketId: 'ticket-b', matchedBy: 'references' });
    // One query for all the ids of a message.
    expect(lookup.asked).toEqual(['ids <c@x> <b@x> <a@x>', 'ids <unknown@x> <b@x> <a@x>']);
  });

  it('falls back to the reply token of the address, then to the subject tag', async () => {
    const lookup = new FakeLookup(
      {},
      { tok: 'ticket-t' },
      { 12: { id: 'ticket-12', participants: ['ada@example.com'] } },
    );
    expect(await findThread(message({ references: ['<gone@x>'] }), { replyToken: 'tok' }, lookup)).toEqual({
      ticketId: 'ticket-t',
      matchedBy: 'reply-token',
    });
    expect(await findThread(message({ subject: 'Re: [#12] Printer' }), toTenant, lookup)).toEqual({
      ticketId: 'ticket-12',
      matchedBy: 'subject-tag',
    });
  });

  it('never threads by a subject tag for a sender who is not the requester or a CC', async () => {
    const lookup = new FakeLookup({}, {}, { 12: { id: 'ticket-12', participants: ['ada@example.com'] } });
    const stranger = { address: 'mallory@example.com', name: 'Mallory' };
    expect(await findThread(message({ subject: 'Re: [#12] Printer', from: stranger }), toTenant, lookup)).toBeNull();
  });

  it('never threads by subject text alone, nor by an unknown token or number', async () => {
    const lookup = new FakeLookup({}, {}, {});
    expect(await findThread(message({ subject: 'Re: Printer on fire' }), { replyToken: 'nope' }, lookup)).toBeNull();
    expect(await findThread(message({ subject: '[#99] Printer' }), toTenant, lookup)).toBeNull();
    expect(lookup.asked).toEqual(['token nope', 'number 99']);
  });
});
