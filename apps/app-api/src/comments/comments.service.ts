import { Injectable } from '@nestjs/common';
import { CommentVisibility, type Page, TicketStatus } from '@helpdeskly/database';
import type { OutboxRow } from '../notifications/outbox.repository';
import { TicketNotifications } from '../notifications/ticket-notifications.service';
import type { TenantContext } from '../tenancy/tenant-context';
import { TicketEventsRepository } from '../tickets/ticket-events.repository';
import { assertTransition } from '../tickets/ticket-status';
import { TicketsErrorCode, TicketsException } from '../tickets/tickets.errors';
import { CommentsErrorCode, CommentsException } from './comments.errors';
import { CommentsRepository, type TicketChangesOfComment } from './comments.repository';
import { type CommentDto, type CreateCommentDto, toCommentDto } from './dto/comment.dto';

const REOPENED_BY_REQUESTER: readonly TicketStatus[] = [TicketStatus.PENDING, TicketStatus.SOLVED];

/**
 * Public replies and internal notes. Each comment, its effects on the ticket (first response,
 * reopening), its events and the ticket's new version are written in one transaction, with the
 * ticket row locked so concurrent comments see each other's effects.
 */
@Injectable()
export class CommentsService {
  constructor(
    private readonly comments: CommentsRepository,
    private readonly events: TicketEventsRepository,
    private readonly notifications: TicketNotifications,
  ) {}

  async create(tenant: TenantContext, ticketId: string, dto: CreateCommentDto): Promise<CommentDto> {
    if (dto.asRequester && dto.visibility === CommentVisibility.INTERNAL) {
      throw new CommentsException(
        CommentsErrorCode.RequesterCommentInternal,
        "Log the requester's reply as PUBLIC, or write an internal note as yourself.",
      );
    }
    let outbox: OutboxRow[] = [];
    const created = await this.comments.transaction(async (tx) => {
      const ticket = await this.comments.lockTicket(tx, ticketId);
      if (!ticket) throw new TicketsException(TicketsErrorCode.TicketNotFound);
      if (ticket.status === TicketStatus.CLOSED)
        throw new CommentsException(
          CommentsErrorCode.TicketClosed,
          'A closed ticket takes no more comments; open a follow-up ticket.',
        );

      const changes: { -readonly [K in keyof TicketChangesOfComment]: TicketChangesOfComment[K] } = {};
      const comment = await this.comments.insert(tx, {
        ticketId,
        authorUserId: dto.asRequester ? null : tenant.userId,
        authorContactId: dto.asRequester ? ticket.requesterId : null,
        visibility: dto.visibility,
        format: dto.format,
        body: dto.body,
      });
      if (dto.asRequester && REOPENED_BY_REQUESTER.includes(ticket.status)) {
        assertTransition(ticket.status, TicketStatus.OPEN);
        changes.status = TicketStatus.OPEN;
        if (ticket.solvedAt) changes.solvedAt = null;
      } else if (!dto.asRequester && dto.visibility === CommentVisibility.PUBLIC && !ticket.firstRespondedAt) {
        changes.firstRespondedAt = comment.createdAt;
      }
      await this.comments.touchTicket(tx, ticketId, changes);

      const actor = {
        ticketId,
        actorUserId: tenant.userId,
        actorContactId: dto.asRequester ? ticket.requesterId : null,
      };
      await this.events.recordMany(tx, [
        { ...actor, field: 'comment', toValue: comment.id },
        ...(changes.status ? [{ ...actor, field: 'status', fromValue: ticket.status, toValue: changes.status }] : []),
        ...(changes.firstRespondedAt
          ? [{ ...actor, field: 'firstRespondedAt', toValue: changes.firstRespondedAt.toISOString() }]
          : []),
      ]);
      outbox = await this.notifications.commentAdded(tx, tenant, ticket, {
        body: dto.body,
        public: dto.visibility === CommentVisibility.PUBLIC,
        byRequester: dto.asRequester === true,
      });
      return toCommentDto(comment);
    });
    await this.notifications.dispatch(tenant, outbox);
    return created;
  }

  async list(ticketId: string, cursor: string | undefined, limit: number): Promise<Page<CommentDto>> {
    if (!(await this.comments.ticketExists(ticketId))) throw new TicketsException(TicketsErrorCode.TicketNotFound);
    const page = await this.comments.list(ticketId, cursor, limit);
    return { items: page.items.map(toCommentDto), nextCursor: page.nextCursor };
  }
}
