/** What a recipient address of our inbound domain names: the tenant, and a ticket's reply token. */
export interface InboundRecipient {
  /** The local part without its `+tag`: a tenant's slug, or `<slug>.<alias>` for one of its aliases. */
  readonly mailbox: string;
  /** The tenant's slug: the mailbox up to its first dot (slugs have none). */
  readonly slug: string;
  /** The alias the mailbox names after the slug's dot, or null for the tenant's own address. */
  readonly alias: string | null;
  readonly replyToken: string | null;
}

/**
 * An alias's name: 1 to 40 lower-case letters, digits, hyphens and underscores, starting and
 * ending with a letter or digit; no dot, so `<slug>.<alias>` splits one way only.
 */
export const ALIAS_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9_-]{0,38}[a-z0-9])?$/;

/** The hosted address of a tenant (`alias` null) or of one of its aliases. */
export function tenantAddressOf(slug: string, alias: string | null, inboundDomain: string): string {
  return `${alias ? `${slug}.${alias}` : slug}@${inboundDomain}`;
}

/**
 * A ticket's `reply_token`: 128 random bits in hex, made by its database (gen_random_uuid without
 * the dashes); unguessable, and safe in any mail system's local part.
 */
const TOKEN = /^t([0-9a-f]{32})$/;

/** The reply address of a ticket: mail to it is threaded to the ticket whatever its headers say. */
export function replyAddressOf(mailbox: string, replyToken: string, inboundDomain: string): string {
  return `${mailbox}+t${replyToken}@${inboundDomain}`;
}

/**
 * The mailbox and reply token of an address of `inboundDomain`, or null for an address of another
 * domain. A `+tag` that is not a reply token is ignored (`acme+urgent@` reaches `acme`).
 * Case-insensitive, as mail systems treat local parts in practice.
 */
export function parseInboundRecipient(address: string, inboundDomain: string): InboundRecipient | null {
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  if (address.slice(at + 1).toLowerCase() !== inboundDomain.toLowerCase()) return null;
  const local = address.slice(0, at).toLowerCase();
  const plus = local.indexOf('+');
  const mailbox = plus === -1 ? local : local.slice(0, plus);
  if (!mailbox) return null;
  const token = plus === -1 ? null : (TOKEN.exec(local.slice(plus + 1))?.[1] ?? null);
  const dot = mailbox.indexOf('.');
  return {
    mailbox,
    slug: dot === -1 ? mailbox : mailbox.slice(0, dot),
    alias: dot === -1 ? null : mailbox.slice(dot + 1),
    replyToken: token,
  };
}
