import type { InboundMessage } from './inbound-message';

/**
 * Why a message is recorded but never becomes a ticket or a comment, and never gets an answer:
 * answering an auto-reply or our own mail is how helpdesks start mail loops.
 */
export type NoiseKind = 'auto_reply' | 'bulk' | 'own_address' | 'bounce';

export interface Noise {
  readonly kind: NoiseKind;
  /** The header or address that decided, for the record shown to the tenant's admins. */
  readonly reason: string;
  /** Bounces: the recipients the report says failed, lower-cased. */
  readonly failedRecipients?: readonly string[];
}

const BULK_PRECEDENCE = new Set(['bulk', 'list', 'junk']);
const BOUNCE_SENDERS = /^(mailer-daemon|postmaster)@/;

/**
 * The noise a message is, or null for mail a person wrote. `ownAddresses` are the addresses we
 * send from (MAIL_FROM and the like), lower-cased. Checked in this order: bounce (a delivery
 * report is also auto-submitted), our own address, auto-reply (RFC 3834 and the common
 * vendor headers), bulk (`Precedence`).
 */
export function noiseOf(message: InboundMessage, ownAddresses: ReadonlySet<string>): Noise | null {
  const bounce = bounceOf(message);
  if (bounce) return bounce;
  const from = message.from?.address;
  if (from && ownAddresses.has(from)) return { kind: 'own_address', reason: `From: ${from}` };
  const header = (name: string) => message.headers.get(name)?.toLowerCase();
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted.split(';')[0]!.trim() !== 'no')
    return { kind: 'auto_reply', reason: `Auto-Submitted: ${autoSubmitted}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponse'])
    if (header(name) !== undefined) return { kind: 'auto_reply', reason: `${name}: ${header(name)}` };
  const precedence = header('precedence');
  if (precedence && BULK_PRECEDENCE.has(precedence.trim()))
    return { kind: 'bulk', reason: `Precedence: ${precedence}` };
  return null;
}

/**
 * A delivery status notification (RFC 3464: `multipart/report; report-type=delivery-status`), or
 * a bounce in the old style (from MAILER-DAEMON or postmaster). Its failed recipients are those of
 * the `message/delivery-status` part whose Action is `failed`.
 */
function bounceOf(message: InboundMessage): Noise | null {
  const contentType = message.headers.get('content-type')?.toLowerCase() ?? '';
  const isReport = contentType.startsWith('multipart/report') && /report-type="?delivery-status/.test(contentType);
  const from = message.from?.address ?? '';
  if (!isReport && !BOUNCE_SENDERS.test(from)) return null;
  // mailparser reads a message/delivery-status part as text: it ends up in `text`, after the
  // human-readable part; an attachment when the part says it is one.
  const status = message.attachments.find((a) => a.declaredType.toLowerCase() === 'message/delivery-status');
  return {
    kind: 'bounce',
    reason: isReport ? 'delivery status notification' : `From: ${from}`,
    failedRecipients: failedRecipientsOf(status ? status.content.toString('utf8') : message.text),
  };
}

/** The per-recipient groups of a delivery-status body (blank-line separated) whose Action is failed. */
export function failedRecipientsOf(body: string): string[] {
  const failed = new Set<string>();
  for (const group of body.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of group.replace(/\n[ \t]+/g, ' ').split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const recipient = (fields.get('final-recipient') ?? fields.get('original-recipient'))?.split(';').pop()?.trim();
    if (recipient && fields.get('action')?.toLowerCase() === 'failed') failed.add(recipient.toLowerCase());
  }
  return [...failed];
}
