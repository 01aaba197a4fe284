import type { InboundMessage } from './inbound-message';
import type { InboundRecipient } from './inbound-address';

/** How a reply was matched to its ticket, in the order the rules try them. */
export type ThreadMatch = 'in-reply-to' | 'references' | 'reply-token' | 'subject-tag';

/** A ticket as threading needs it. */
export interface ThreadTicket {
  readonly id: string;
  /** The requester's and the CCs' addresses, lower-cased. */
  readonly participants: readonly string[];
}

/** Where threading looks tickets up: the tenant's database (a fake in unit specs). */
export interface ThreadLookup {
  /** The ticket of each Message-ID we sent or received that it knows, by Message-ID. */
  ticketsByMessageIds(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  ticketByReplyToken(token: string): Promise<string | null>;
  ticketByNumber(number: number): Promise<ThreadTicket | null>;
}

export interface Thread {
  readonly ticketId: string;
  readonly matchedBy: ThreadMatch;
}

/** `[#123]` in a subject: our ticket emails carry it (and so do most helpdesks'). */
const SUBJECT_TAG = /\[#(\d{1,9})\]/;

/**
 * The ticket a message answers, or null for a new conversation. In order: In-Reply-To, then
 * References from the newest to the oldest, against the Message-IDs we sent or received; then a
 * reply token in one of our recipient addresses; then a `[#N]` subject tag, only when the sender
 * is the ticket's requester or one of its CCs (anybody can type a number). Never by subject text.
 */
export async function findThread(
  message: InboundMessage,
  recipient: Pick<InboundRecipient, 'replyToken'>,
  lookup: ThreadLookup,
): Promise<Thread | null> {
  const inReplyTo = message.inReplyTo;
  const references = [...message.references].reverse().filter((id) => !inReplyTo.includes(id));
  const candidates = [...inReplyTo, ...references];
  if (candidates.length > 0) {
    const known = await lookup.ticketsByMessageIds(candidates);
    for (const id of candidates) {
      const ticketId = known.get(id);
      if (ticketId) return { ticketId, matchedBy: inReplyTo.includes(id) ? 'in-reply-to' : 'references' };
    }
  }
  if (recipient.replyToken) {
    const ticketId = await lookup.ticketByReplyToken(recipient.replyToken);
    if (ticketId) return { ticketId, matchedBy: 'reply-token' };
  }
  const tag = SUBJECT_TAG.exec(message.subject);
  const sender = message.from?.address;
  if (tag && sender) {
    const ticket = await lookup.ticketByNumber(Number(tag[1]));
    if (ticket && ticket.participants.includes(sender)) return { ticketId: ticket.id, matchedBy: 'subject-tag' };
  }
  return null;
}
