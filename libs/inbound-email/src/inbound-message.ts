import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';

/** An address of a header, lower-cased (addresses compare case-insensitively in practice). */
export interface InboundAddress {
  readonly address: string;
  readonly name: string;
}

export interface InboundAttachment {
  /** As sent, not sanitized: the storage layer sanitizes it before it is kept or served. */
  readonly filename: string | null;
  /** As declared by the sender; never trusted for serving (sniffed from the bytes instead). */
  readonly declaredType: string;
  readonly size: number;
  /** `Content-ID` without its brackets, for `cid:` images of the HTML. */
  readonly contentId: string | null;
  readonly inline: boolean;
  readonly content: Buffer;
}

/** What the mail-to-ticket rules read of one message; mailparser does the MIME work. */
export interface InboundMessage {
  /** With its angle brackets; synthesized from the bytes when the message has none. */
  readonly messageId: string;
  readonly messageIdSynthesized: boolean;
  readonly inReplyTo: readonly string[];
  /** Oldest first, as the header lists them. */
  readonly references: readonly string[];
  readonly from: InboundAddress | null;
  readonly replyTo: readonly InboundAddress[];
  readonly to: readonly InboundAddress[];
  readonly cc: readonly InboundAddress[];
  readonly subject: string;
  readonly date: Date | null;
  /** The text part, or the HTML part converted to text when there is no text part. */
  readonly text: string;
  /** The HTML part as sent (sanitize before serving), or null. */
  readonly html: string | null;
  /** Every header, lower-cased names, values as text (first value of a repeated header). */
  readonly headers: ReadonlyMap<string, string>;
  readonly attachments: readonly InboundAttachment[];
}

/** Where a synthesized Message-ID points: nowhere that could collide with a sender's. */
const SYNTHESIZED_DOMAIN = 'inbound.helpdeskly.invalid';

/**
 * Parses a raw RFC 5322 message. Malformed MIME does not throw: mailparser recovers what it can
 * (a message with no parts is an empty text), so every accepted message can become a ticket or a
 * recorded refusal. `raw` is read whole: the SMTP layer caps its size before this.
 */
export async function parseInboundMessage(raw: Buffer | Readable): Promise<InboundMessage> {
  const bytes = Buffer.isBuffer(raw) ? raw : await readAll(raw);
  const parsed = await simpleParser(bytes, { skipImageLinks: true, skipTextLinks: true, keepCidLinks: true });
  const messageId = normalizeId(parsed.messageId);
  return {
    messageId: messageId ?? `<${createHash('sha256').update(bytes).digest('hex')}@${SYNTHESIZED_DOMAIN}>`,
    messageIdSynthesized: messageId === null,
    inReplyTo: idsOf(parsed.inReplyTo),
    references: idsOf(parsed.references),
    from: addressesOf(parsed.from)[0] ?? null,
    replyTo: addressesOf(parsed.replyTo),
    to: addressesOf(parsed.to),
    cc: addressesOf(parsed.cc),
    subject: (parsed.subject ?? '').trim(),
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    text: textOf(parsed),
    html: typeof parsed.html === 'string' && parsed.html.length > 0 ? parsed.html : null,
    headers: headersOf(parsed),
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? null,
      declaredType: a.contentType || 'application/octet-stream',
      size: a.size ?? a.content.length,
      contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null,
      inline: a.contentDisposition === 'inline' || (Boolean(a.contentId) && a.related === true),
      content: a.content,
    })),
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** `<id>` as sent, or null for an empty or absent one. */
function normalizeId(id: string | undefined): string | null {
  const trimmed = id?.trim();
  if (!trimmed) return null;
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

/** Every `<...>` of a References or In-Reply-To header, in order, without duplicates. */
function idsOf(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  const ids = text.match(/<[^<>\s]+>/g) ?? [];
  return [...new Set(ids)];
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): InboundAddress[] {
  const objects = Array.isArray(value) ? value : value ? [value] : [];
  const out: InboundAddress[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address) out.push({ address: entry.address.toLowerCase(), name: (entry.name ?? '').trim() });
    }
  };
  for (const object of objects) visit(object.value);
  return out;
}

/** mailparser converts the HTML part to `text` itself when the message has no text part. */
function textOf(parsed: ParsedMail): string {
  return (parsed.text ?? '').replace(/\r\n/g, '\n').trim();
}

function headersOf(parsed: ParsedMail): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of parsed.headerLines) {
    const name = line.key.toLowerCase();
    if (out.has(name)) continue;
    const colon = line.line.indexOf(':');
    out.set(
      name,
      line.line
        .slice(colon + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
  }
  return out;
}
