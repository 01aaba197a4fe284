import { ImapFlow, type ImapFlowOptions } from 'imapflow';

export const MAIL_CHANNEL_TLS_MODES = ['implicit', 'starttls', 'none'] as const;
export type MailChannelTls = (typeof MAIL_CHANNEL_TLS_MODES)[number];

/** Where and as whom to log in to a tenant's IMAP mailbox. */
export interface ImapEndpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: MailChannelTls;
  readonly username: string;
  readonly password: string;
}

/** Why a connection or login failed, in words a tenant's admin can act on (never the server's text). */
export type ImapFailure = 'login_failed' | 'unreachable';

/**
 * imapflow's options for an endpoint: `implicit` is TLS from the first byte, `starttls` must
 * upgrade (never sends the password in cleartext), `none` stays in cleartext. No logger: imapflow
 * would log the server's answers, ours logs what we decide.
 */
export function imapOptionsOf(endpoint: ImapEndpoint, overrides: Partial<ImapFlowOptions> = {}): ImapFlowOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.tls === 'implicit',
    doSTARTTLS: endpoint.tls === 'starttls',
    auth: { user: endpoint.username, pass: endpoint.password },
    logger: false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    ...overrides,
  };
}

/** A refused login, as opposed to a server that cannot be reached or spoken to. */
export function imapFailureOf(error: unknown): ImapFailure {
  const failure = error as { authenticationFailed?: boolean; serverResponseCode?: string } | null;
  // [UNAVAILABLE]: the server could not check the password now (RFC 5530), not a wrong one.
  if (failure?.serverResponseCode === 'UNAVAILABLE') return 'unreachable';
  return failure?.authenticationFailed || failure?.serverResponseCode === 'AUTHENTICATIONFAILED'
    ? 'login_failed'
    : 'unreachable';
}

/** What to tell a tenant about a failure, without the server's own text. */
export function describeImapFailure(failure: ImapFailure, endpoint: Pick<ImapEndpoint, 'host' | 'port'>): string {
  return failure === 'login_failed'
    ? `The IMAP server ${endpoint.host}:${endpoint.port} refused the username or password.`
    : `The IMAP server ${endpoint.host}:${endpoint.port} could not be reached or did not speak IMAP (check the host, port and TLS mode).`;
}

/** Where a mailbox stands: its UIDVALIDITY and the UID its next message will get. */
export interface MailboxPosition {
  readonly uidValidity: bigint;
  readonly uidNext: bigint;
}

/**
 * Logs in, opens `mailbox` read-only and logs out: where the mailbox stands, or why it failed
 * (`no_mailbox` when the login worked but the folder cannot be opened).
 */
export async function probeImapMailbox(
  endpoint: ImapEndpoint,
  mailbox: string,
): Promise<MailboxPosition | { readonly failure: ImapFailure | 'no_mailbox' }> {
  const client = new ImapFlow(imapOptionsOf(endpoint));
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.close();
    return { failure: imapFailureOf(error) };
  }
  try {
    const opened = await client.mailboxOpen(mailbox, { readOnly: true });
    return { uidValidity: BigInt(opened.uidValidity), uidNext: BigInt(opened.uidNext) };
  } catch {
    return { failure: 'no_mailbox' };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
