import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { AppConfig } from '@helpdeskly/config';
import { createHash } from 'node:crypto';
import { TenantStatus } from '@helpdeskly/database';
import { RateLimiter } from '@helpdeskly/rate-limit';
import { parseInboundRecipient } from '@helpdeskly/inbound-email';
import { TenantDirectoryRepository, type TenantRecord } from '@helpdeskly/tenant-data';
import { InboundEmailService } from './inbound-email.service';

/** An SMTP reply: smtp-server answers a callback's error with its responseCode and message. */
function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * The inbound SMTP server of the tenants' hosted addresses, `<slug>@<INBOUND_DOMAIN>`, their
 * aliases `<slug>.<alias>@<INBOUND_DOMAIN>` and the tickets' reply addresses
 * `<slug>+t<token>@<INBOUND_DOMAIN>`, on INBOUND_SMTP_PORT (off when 0).
 *
 * - RCPT TO: an address of another domain, of no tenant, of an alias the tenant does not have,
 *   or of a tenant that is not ACTIVE is refused with 550 and nothing is stored; at most INBOUND_MAX_RECIPIENTS per message (452).
 * - DATA: at most INBOUND_MAX_MESSAGE_BYTES (advertised with SIZE; 552 past it, nothing stored).
 *   The message is processed for each tenant it is addressed to, in that tenant's scope only; 250
 *   is answered only once every tenant has its ticket, comment or record, so 250 means nothing
 *   can be lost. Any failure answers 451 and the sending server retries; a retry of a message
 *   already processed is a DUPLICATE and changes nothing. A session that drops mid-DATA stores
 *   nothing.
 * - STARTTLS with INBOUND_SMTP_TLS_CERT_FILE and INBOUND_SMTP_TLS_KEY_FILE; no AUTH (an MX
 *   receives from anyone, and accepts only for our addresses).
 */
@Injectable()
export class InboundSmtpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboundSmtpServer.name);
  private server?: SMTPServer;
  /** INBOUND_DOMAIN, which loadConfig requires with INBOUND_SMTP_PORT. */
  private domain = '';
  /** The tenants of each session's accepted recipients, by lower-cased address. */
  private readonly recipients = new Map<string, Map<string, TenantRecord>>();

  constructor(
    private readonly config: AppConfig,
    private readonly directory: TenantDirectoryRepository,
    private readonly inbound: InboundEmailService,
    private readonly limiter: RateLimiter,
  ) {}

  /** The port it listens on (INBOUND_SMTP_PORT, or the one the system chose for 0 in tests), or null when off. */
  get port(): number | null {
    const address = this.server?.server.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { smtp } = this.config.inbound;
    if (smtp.port === null || !this.config.inbound.domain) return;
    this.domain = this.config.inbound.domain;
    const tls = smtp.tls ? { key: readFileSync(smtp.tls.keyFile), cert: readFileSync(smtp.tls.certFile) } : {};
    this.server = new SMTPServer({
      secure: false,
      ...tls,
      name: this.domain,
      banner: 'Helpdeskly inbound mail',
      size: smtp.maxMessageBytes,
      authOptional: true,
      disabledCommands: smtp.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      logger: false,
      socketTimeout: 60_000,
      closeTimeout: 10_000,
      // Each MAIL FROM starts a new transaction of the session: its recipients only.
      onMailFrom: (_address, session, callback) => {
        this.recipients.delete(session.id);
        callback();
      },
      onRcptTo: (address, session, callback) => {
        this.acceptRecipient(address, session).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      },
      onData: (stream, session, callback) => {
        this.acceptMessage(stream, session).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      },
      onClose: (session) => this.recipients.delete(session.id),
    });
    this.server.on('error', (error) => this.logger.warn({ err: error }, 'inbound SMTP connection error'));
    await new Promise<void>((resolve, reject) => {
      this.server!.server.once('error', reject);
      this.server!.listen(smtp.port!, smtp.host, () => resolve());
    });
    this.logger.log(`inbound SMTP for @${this.domain} on ${smtp.host}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async acceptRecipient(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    const { maxRecipients } = this.config.inbound.smtp;
    const accepted = this.recipients.get(session.id) ?? new Map<string, TenantRecord>();
    if (accepted.size >= maxRecipients) throw smtpError(452, `4.5.3 At most ${maxRecipients} recipients per message`);
    const recipient = parseInboundRecipient(address.address, this.domain);
    const tenant = recipient
      ? await this.directory.findTenantByAddress(recipient.slug, recipient.alias).catch(unavailable)
      : null;
    if (!tenant || tenant.status !== TenantStatus.ACTIVE)
      throw smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`);
    // A second address of a tenant already charged is the same message to the same tenant.
    if (![...accepted.values()].some((t) => t.id === tenant.id)) await this.charge(session, tenant);
    accepted.set(address.address.toLowerCase(), tenant);
    this.recipients.set(session.id, accepted);
  }

  /** One message from the envelope sender to the tenant, against both hourly limits; 450 when over (the sender retries later). */
  private async charge(session: SMTPServerSession, tenant: TenantRecord): Promise<void> {
    if (!this.config.rateLimit.enabled) return;
    const { perSenderPerHour, perTenantPerHour } = this.config.inbound.smtp;
    const mailFrom = session.envelope.mailFrom;
    // The null sender of bounces (MAIL FROM:<>) is every mail server's: it counts per client IP instead.
    const address = mailFrom ? mailFrom.address.toLowerCase() : '';
    const sender = address || `<>@${session.remoteAddress}`;
    // Keys never hold an address: a hash of it.
    const senderKey = createHash('sha256').update(sender).digest('hex').slice(0, 32);
    const decision = await this.limiter.check([
      { policy: 'inbound-sender', key: `rl:inbound-sender:${senderKey}`, limit: perSenderPerHour, windowSeconds: 3600 },
      { policy: 'inbound-tenant', key: `rl:inbound-tenant:${tenant.id}`, limit: perTenantPerHour, windowSeconds: 3600 },
    ]);
    if (!decision.allowed)
      throw smtpError(
        450,
        `4.7.1 Too many messages (${decision.refusedBy}): try again in ${decision.retryAfterSeconds} s`,
      );
  }

  private async acceptMessage(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    const limit = this.config.inbound.smtp.maxMessageBytes;
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      // Past the limit the rest is read and dropped: the client is answered 552 after its final dot.
      if (size <= limit) chunks.push(chunk as Buffer);
    }
    if (stream.sizeExceeded || size > limit) throw smtpError(552, `5.3.4 Message too big: at most ${limit} bytes`);
    const raw = Buffer.concat(chunks);
    // A message to two tenants is processed for each, from its own copy of the recipients: nothing crosses.
    const byTenant = new Map<string, { tenant: TenantRecord; recipient: string }>();
    const accepted = this.recipients.get(session.id) ?? new Map<string, TenantRecord>();
    // The transaction is over, whatever its outcome: the next one of the session names its own recipients.
    this.recipients.delete(session.id);
    for (const [address, tenant] of accepted) {
      const current = byTenant.get(tenant.id);
      // A ticket's reply address names its ticket: prefer it to the tenant's plain address.
      if (!current || parseInboundRecipient(address, this.domain)?.replyToken)
        byTenant.set(tenant.id, { tenant, recipient: address });
    }
    const results = await Promise.allSettled(
      [...byTenant.values()].map(({ tenant, recipient }) =>
        this.inbound.receive(
          { tenantId: tenant.id, slug: tenant.slug, name: tenant.name, settings: tenant.settings },
          { recipient, raw },
        ),
      ),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      for (const f of failed) this.logger.warn({ err: f.reason as Error }, 'inbound message not processed; 451');
      throw smtpError(451, '4.3.0 Temporary failure: try again later');
    }
  }
}

/** The control database did not answer: a temporary failure, so the sending server retries. */
function unavailable(error: unknown): never {
  throw Object.assign(smtpError(451, '4.3.0 Temporary failure: try again later'), { cause: error });
}
