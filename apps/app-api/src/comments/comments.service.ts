import { Injectable } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { CommentFormat, CommentVisibility, type Page, TicketStatus } from '@helpdeskly/database';
import { assertAttachable, claimedInOrder } from '../attachments/pending-uploads';
import { UploadsRepository } from '../attachments/uploads.repository';
import type { OutboxRow } from '../notifications/outbox.repository';
import { TicketNotifications } from '../notifications/ticket-notifications.service';
import type { TenantContext, TenantOnly } from '../tenancy/tenant-context';
import { TicketEventsRepository } from '../tickets/ticket-events.repository';
import { assertTransition } from '../tickets/ticket-status';
import { TicketsErrorCode, TicketsException } from '../tickets/tickets.errors';
import { CommentsErrorCode, CommentsException } from './comments.errors';
import { CommentsRepository, type TicketChangesOfComment } from './comments.repository';
import { type CommentDto, type CreateCommentDto, toCommentDto } from './dto/comment.dto';

const REOPENED_BY_REQUESTER: readonly TicketStatus[] = [TicketStatus.PENDING, TicketStatus.SOLVED];

interface CommentInput {
  /** The agent who writes, or logs the requester's reply; null for a reply that came by email. */
  readonly authorUserId: string | null;
  /** A contact's reply: the requester's unless `authorContactId` names another (a CC). */
  readonly byRequester: boolean;
  readonly authorContactId?: string;
  readonly visibility: CommentVisibility;
  readonly format: CommentFormat;
  readonly body: string;
  /** Pending uploads of the acting member that become the comment's files. */
  readonly attachmentIds?: readonly string[];
}

/**
 * Public replies and internal notes. Each comment, its files (the member's pending uploads), its
 * effects on the ticket (first response, reopening), its events and the ticket's new version are
 * written in one transaction, with the
 * ticket row locked so concurrent comments see each other's effects.
 */
@Injectable()
export class CommentsService {
  constructor(
    private readonly comments: CommentsRepository,
    private readonly events: TicketEventsRepository,
    private readonly notifications: TicketNotifications,
    private readonly uploads: UploadsRepository,
    private readonly config: AppConfig,
  ) {}

  async create(tenant: TenantContext, ticketId: string, dto: CreateCommentDto): Promise<CommentDto> {
    assertAttachable(dto.attachmentIds, this.config.attachments.maxFiles);
    if (dto.asRequester && dto.visibility === CommentVisibility.INTERNAL) {
      throw new CommentsException(
        CommentsErrorCode.RequesterCommentInternal,
        "Log the requester's reply as PUBLIC, or write an internal note as yourself.",
      );
    }
    return this.write(tenant, ticketId, {
      authorUserId: dto.asRequester ? null : tenant.userId,
      byRequester: dto.asRequester === true,
      visibility: dto.visibility,
      format: dto.format,
      body: dto.body,
      attachmentIds: dto.attachmentIds,
    });
  }

  /**
   * A public reply that arrived by email from `authorContactId` (the requester, or a CC): no member
   * acts. The requester's reply reopens a PENDING or SOLVED ticket as in {@link create}; a CLOSED
   * ticket refuses it with 422 ticket_closed, for the caller to open a follow-up.
   */
  addFromEmail(
    tenant: TenantOnly,
    ticketId: string,
    reply: { readonly authorContactId: string; readonly body: string },
  ): Promise<CommentDto> {
    return this.write({ ...tenant, userId: null }, ticketId, {
      authorUserId: null,
      authorContactId: reply.authorContactId,
      byRequester: true,
      visibility: CommentVisibility.PUBLIC,
      format: CommentFormat.TEXT,
      body: reply.body,
    });
  }

  private async write(
    tenant: TenantOnly & { readonly userId: string | null },
    ticketId: string,
    input: CommentInput,
  ): Promise<CommentDto> {
    let outbox: OutboxRow[] = [];
    const created = await this.comments.transaction(async (tx) => {
      const ticket = await this.comments.lockTicket(tx, ticketId);
      if (!ticket) throw new TicketsException(TicketsErrorCode.TicketNotFound);
      if (ticket.status === TicketStatus.CLOSED)
        throw new CommentsException(
          CommentsErrorCode.TicketClosed,
          'A closed ticket takes no more comments; open a follow-up ticket.',
        );

      // Logged for the requester by an agent, or sent by a contact: the requester's unless said otherwise.
      const authorContactId = input.byRequester ? (input.authorContactId ?? ticket.requesterId) : null;
      const changes: { -readonly [K in keyof TicketChangesOfComment]: TicketChangesOfComment[K] } = {};
      const comment = await this.comments.insert(tx, {
        ticketId,
        authorUserId: input.authorUserId,
        authorContactId,
        visibility: input.visibility,
        format: input.format,
        body: input.body,
      });
      const files = input.attachmentIds?.length
        ? claimedInOrder(
            input.attachmentIds,
            await this.uploads.claim(tx, {
              ids: input.attachmentIds,
              userId: tenant.userId!,
              ticketId,
              commentId: comment.id,
              createdAt: comment.createdAt,
            }),
          )
        : [];
      if (authorContactId === ticket.requesterId && REOPENED_BY_REQUESTER.includes(ticket.status)) {
        assertTransition(ticket.status, TicketStatus.OPEN);
        changes.status = TicketStatus.OPEN;
        if (ticket.solvedAt) changes.solvedAt = null;
      } else if (!input.byRequester && input.visibility === CommentVisibility.PUBLIC && !ticket.firstRespondedAt) {
        changes.firstRespondedAt = comment.createdAt;
      }
      await this.comments.touchTicket(tx, ticketId, changes);

      const actor = { ticketId, actorUserId: tenant.userId, actorContactId: authorContactId };
      await this.events.recordMany(tx, [
        { ...actor, field: 'comment', toValue: comment.id },
        ...(changes.status ? [{ ...actor, field: 'status', fromValue: ticket.status, toValue: changes.status }] : []),
        ...(changes.firstRespondedAt
          ? [{ ...actor, field: 'firstRespondedAt', toValue: changes.firstRespondedAt.toISOString() }]
          : []),
      ]);
      outbox = await this.notifications.commentAdded(tx, tenant, ticket, {
        body: input.body,
        public: input.visibility === CommentVisibility.PUBLIC,
        byRequester: input.byRequester,
      });
      return toCommentDto(comment, files);
    });
    await this.notifications.dispatch(tenant, outbox);
    return created;
  }

  async list(ticketId: string, cursor: string | undefined, limit: number): Promise<Page<CommentDto>> {
    if (!(await this.comments.ticketExists(ticketId))) throw new TicketsException(TicketsErrorCode.TicketNotFound);
    const page = await this.comments.list(ticketId, cursor, limit);
    return { items: page.items.map((c) => toCommentDto(c, c.attachments)), nextCursor: page.nextCursor };
  }
}
