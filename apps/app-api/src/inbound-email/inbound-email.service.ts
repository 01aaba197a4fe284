import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { escapeHtml } from '@helpdeskly/mail';
import { MetricsRegistry } from '@helpdeskly/metrics';
import {
  findThread,
  type InboundMessage,
  noiseOf,
  type NoiseKind,
  parseInboundMessage,
  parseInboundRecipient,
  visibleReplyText,
} from '@helpdeskly/inbound-email';
import { DEFAULT_PAGE_SIZE } from '../contacts/contacts.service';
import type { Readable } from 'node:stream';
import { ObjectNotFoundError, ObjectStorage, tenantKey } from '@helpdeskly/storage';
import { storageProblem } from '../attachments/attachments.errors';
import { InboundEmailErrorCode, InboundEmailException } from './inbound-email.errors';
import { safeMessageHtml } from './safe-html';
import { AttachmentsService } from '../attachments/attachments.service';
import { CommentsErrorCode, CommentsException } from '../comments/comments.errors';
import { CommentsService } from '../comments/comments.service';
import type { TenantOnly } from '../tenancy/tenant-context';
import { TicketsService } from '../tickets/tickets.service';
import { type InboundEmailPageDto, type ListInboundEmailsQueryDto, toInboundEmailDto } from './dto/inbound-email.dto';
import { InboundEmailRepository, type InboundOutcome, type InboundResult } from './inbound-email.repository';

/** One message for one tenant, as the SMTP server accepted it. */
export interface InboundDelivery {
  /** The address of ours it was sent to (RCPT TO). */
  readonly recipient: string;
  readonly raw: Buffer;
}

/** A claim older than this belongs to a delivery that died: a new delivery takes it over. */
const STALE_CLAIM_MS = 5 * 60_000;
/** The ticket API's limits (CreateTicketDto): a longer subject or body is cut, never refused. */
const MAX_SUBJECT = 200;
const MAX_BODY = 50_000;

const NOISE_OUTCOME: Record<NoiseKind, InboundOutcome> = {
  auto_reply: 'AUTO_REPLY',
  bulk: 'BULK',
  own_address: 'OWN_ADDRESS',
  bounce: 'BOUNCE',
};

/** A delivery of the same message that is still being processed: the sender should try again later. */
export class DeliveryInProgressError extends Error {}

/**
 * Turns one received message into a ticket, a comment on the ticket it answers, or a recorded
 * refusal, in the tenant's scope. Each Message-ID is processed once: a second delivery is a
 * DUPLICATE and changes nothing.
 */
@Injectable()
export class InboundEmailService {
  private readonly logger = new Logger(InboundEmailService.name);
  private readonly ownAddresses: ReadonlySet<string>;

  constructor(
    private readonly config: AppConfig,
    private readonly records: InboundEmailRepository,
    private readonly tickets: TicketsService,
    private readonly comments: CommentsService,
    private readonly attachments: AttachmentsService,
    private readonly storage: ObjectStorage,
    private readonly metrics: MetricsRegistry,
  ) {
    this.ownAddresses = new Set([config.mail.from.toLowerCase()]);
  }

  /** loadConfig refuses INBOUND_SMTP_PORT without INBOUND_DOMAIN, and only the SMTP server calls this service. */
  private get domain(): string {
    const domain = this.config.inbound.domain;
    if (!domain) throw new Error('mail to tickets without INBOUND_DOMAIN');
    return domain;
  }

  /** GET /v1/inbound-emails, in the request's tenant scope. */
  async list(query: ListInboundEmailsQueryDto): Promise<InboundEmailPageDto> {
    const page = await this.records.list(query, query.cursor, query.limit ?? DEFAULT_PAGE_SIZE);
    return { items: page.items.map(toInboundEmailDto), nextCursor: page.nextCursor };
  }

  /**
   * GET /v1/inbound-emails/:id/html: the message's HTML part made safe to show (safe-html.ts), its
   * `cid:` images pointing at their attachments; the text part, escaped, when it has no HTML.
   */
  async html(id: string): Promise<string> {
    const { body } = await this.raw(id);
    const message = await parseInboundMessage(body);
    if (!message.html) return `<pre>${escapeHtml(message.text)}</pre>`;
    const images = await this.attachments.imagesOfInboundEmail(id);
    return safeMessageHtml(message.html, (cid) => images.get(cid));
  }

  /** GET /v1/inbound-emails/:id/raw: the message as it was received (quotes, signatures, every part). */
  async raw(id: string): Promise<{ body: Readable; size: number }> {
    const record = await this.records.find(id);
    if (!record) throw new InboundEmailException(InboundEmailErrorCode.InboundEmailNotFound);
    if (!record.rawKey)
      throw new InboundEmailException(
        InboundEmailErrorCode.InboundEmailNotFound,
        `Its raw message is no longer kept: messages that made no ticket keep theirs ${this.config.inbound.rawRetentionDays} days.`,
      );
    try {
      const object = await this.storage.get(record.rawKey);
      return { body: object.body, size: object.size };
    } catch (error) {
      if (error instanceof ObjectNotFoundError)
        throw new InboundEmailException(InboundEmailErrorCode.InboundEmailNotFound, 'Its raw message is not kept.');
      throw storageProblem(error);
    }
  }

  async receive(tenant: TenantOnly, delivery: InboundDelivery): Promise<InboundResult> {
    const message = await parseInboundMessage(delivery.raw);
    return this.records.inScopeOf(tenant.tenantId, () => this.receiveParsed(tenant, delivery, message));
  }

  private async receiveParsed(
    tenant: TenantOnly,
    delivery: InboundDelivery,
    message: InboundMessage,
  ): Promise<InboundResult> {
    // The raw message is kept so that parsing can be replayed; a duplicate stores nothing.
    const rawKey = tenantKey(tenant.tenantId, 'inbound', `${randomUUID()}.eml`);
    const { claimed, existing } = await this.records.claim({
      messageId: message.messageId,
      fromAddress: message.from?.address ?? null,
      recipient: delivery.recipient,
      subject: message.subject.slice(0, 998),
      rawKey,
    });
    let claimId = claimed?.id;
    if (!claimId) {
      if (existing?.outcome !== 'RECEIVED') {
        this.metrics.inboundEmails.inc({ outcome: 'duplicate' });
        return { outcome: 'DUPLICATE', ticketId: existing?.ticketId ?? null };
      }
      const stale = new Date(Date.now() - STALE_CLAIM_MS);
      if (!(await this.records.takeOver(existing.id, stale, rawKey)))
        throw new DeliveryInProgressError(`${message.messageId} is being processed by another delivery`);
      claimId = existing.id;
    }
    try {
      await this.storage.put(rawKey, delivery.raw, {
        contentType: 'message/rfc822',
        contentLength: delivery.raw.length,
      });
      const result = await this.process(tenant, delivery, message, claimId);
      await this.records.complete(claimId, result);
      this.metrics.inboundEmails.inc({ outcome: result.outcome.toLowerCase() });
      this.logger.log({ tenantId: tenant.tenantId, messageId: message.messageId, ...result }, 'inbound email');
      return result;
    } catch (error) {
      // The sender is answered 451 and retries; the retry must not find this half-done claim, nor its copy.
      await this.records.release(claimId).catch(() => undefined);
      await this.storage.delete(rawKey).catch(() => undefined);
      throw error;
    }
  }

  private async process(
    tenant: TenantOnly,
    delivery: InboundDelivery,
    message: InboundMessage,
    claimId: string,
  ): Promise<InboundResult> {
    const noise = noiseOf(message, this.ownAddresses);
    if (noise) {
      const bounced = noise.kind === 'bounce' ? await this.records.markBounced(noise.failedRecipients ?? []) : 0;
      return {
        outcome: NOISE_OUTCOME[noise.kind],
        reason: noise.kind === 'bounce' ? `${noise.reason}; ${bounced} contact(s) marked as bouncing` : noise.reason,
      };
    }
    // From, not Reply-To: the requester is who wrote, and the subject-tag rule checks From too.
    const sender = message.from;
    if (!sender) return { outcome: 'REFUSED', reason: 'no From address' };
    const recipient = parseInboundRecipient(delivery.recipient, this.domain) ?? { replyToken: null };

    const thread = await findThread(message, recipient, this.records);
    if (thread) {
      const ticket = await this.records.ticketForReply(thread.ticketId);
      if (ticket) {
        const authorContactId =
          sender.address === ticket.requesterEmail
            ? ticket.requesterId
            : await this.records.contactOf(sender.address, nameOf(sender));
        try {
          const comment = await this.comments.addFromEmail(tenant, thread.ticketId, {
            authorContactId,
            body: clip(visibleReplyText(message.text) || '(empty message)', MAX_BODY),
          });
          const leftOut = await this.keepFiles(tenant, message, thread.ticketId, comment.id, claimId);
          return {
            outcome: 'COMMENT_ADDED',
            reason: withLeftOut(`threaded by ${thread.matchedBy}`, leftOut),
            ticketId: thread.ticketId,
            commentId: comment.id,
          };
        } catch (error) {
          if (!(error instanceof CommentsException && error.code === CommentsErrorCode.TicketClosed)) throw error;
          return this.open(tenant, message, sender, thread.ticketId, claimId);
        }
      }
    }
    return this.open(tenant, message, sender, null, claimId);
  }

  /** The message's files, kept with the ticket (and the comment); what was left out, for the record. */
  private keepFiles(
    tenant: TenantOnly,
    message: InboundMessage,
    ticketId: string,
    commentId: string | null,
    inboundEmailId: string,
  ): Promise<string[]> {
    return this.attachments.keepFromEmail(
      { tenantId: tenant.tenantId, ticketId, commentId, inboundEmailId },
      message.attachments,
    );
  }

  /** A new ticket of the message; a follow-up of `followUpOfId` when it answered a CLOSED ticket. */
  private async open(
    tenant: TenantOnly,
    message: InboundMessage,
    sender: { address: string; name: string },
    followUpOfId: string | null,
    claimId: string,
  ): Promise<InboundResult> {
    const ours = (address: string) => parseInboundRecipient(address, this.domain) !== null;
    const ccEmails = [...new Set([...message.to, ...message.cc].map((a) => a.address))].filter(
      (address) => !ours(address) && address !== sender.address && !this.ownAddresses.has(address),
    );
    const created = await this.tickets.createFromEmail(tenant, {
      subject: clip(message.subject || '(no subject)', MAX_SUBJECT),
      description: clip(message.text || '(empty message)', MAX_BODY),
      requester: { email: sender.address, name: nameOf(sender) },
      ccEmails,
      followUpOfId,
    });
    const leftOut = await this.keepFiles(tenant, message, created.id, null, claimId);
    return followUpOfId
      ? {
          outcome: 'FOLLOW_UP_CREATED',
          reason: withLeftOut(`follows up closed ticket ${followUpOfId}`, leftOut),
          ticketId: created.id,
        }
      : { outcome: 'TICKET_CREATED', reason: withLeftOut(null, leftOut), ticketId: created.id };
  }
}

/** The record's reason, with the files that were left out of the ticket. */
function withLeftOut(reason: string | null, leftOut: readonly string[]): string | null {
  if (leftOut.length === 0) return reason;
  const files = `files left out: ${leftOut.join('; ')}`;
  return clip(reason ? `${reason}; ${files}` : files, 2_000);
}

const nameOf = (address: { address: string; name: string }) =>
  clip(address.name || address.address.split('@')[0]!, 200);

/** At most `max` characters, never cutting a surrogate pair in two. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
