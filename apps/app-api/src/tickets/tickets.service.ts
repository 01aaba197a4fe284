import { Injectable } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import type { SqlSession } from '@helpdeskly/tenant-data';
import { assertAttachable, claimedInOrder } from '../attachments/pending-uploads';
import { UploadsRepository } from '../attachments/uploads.repository';
import { TicketPriority, TicketStatus, TicketType } from '@helpdeskly/database';
import type { OutboxRow } from '../notifications/outbox.repository';
import { TicketNotifications } from '../notifications/ticket-notifications.service';
import { ContactsService, DEFAULT_PAGE_SIZE } from '../contacts/contacts.service';
import type { PageQueryDto } from '../contacts/dto/contact.dto';
import { dueTimes, type SlaTargets } from '../settings/sla';
import { SlaSettingsService } from '../settings/sla-settings.service';
import type { TenantContext, TenantOnly } from '../tenancy/tenant-context';
import { TenantMembersService } from '../tenancy/tenant-members.service';
import { type JsonText, jsonText } from '@helpdeskly/http';
import { COMMENT_PAGE_SIZE } from '../comments/dto/comment.dto';
import {
  type CreateTicketDto,
  type TicketDto,
  type TicketInclude,
  type TicketPageDto,
  type TicketWithCommentsDto,
  toTicketDto,
  type UpdateTicketDto,
} from './dto/ticket.dto';
import { type TicketEventListDto, toTicketEventDto } from './dto/ticket-event.dto';
import { parseIfMatch, versionMismatch } from './etag';
import { IDEMPOTENCY_TTL_MS, IDEMPOTENCY_WAIT_MS, requestHash } from './idempotency';
import { type EarlierRequest, IdempotencyKeysRepository, isLockTimeout } from './idempotency-keys.repository';
import { eventId } from './event-id';
import { planChanges } from './ticket-changes';
import { TicketEventsRepository } from './ticket-events.repository';
import { TicketsErrorCode, TicketsException } from './tickets.errors';
import {
  type InsertedTicket,
  type RequesterInput,
  type TicketInsert,
  type TicketRecord,
  TicketsRepository,
} from './tickets.repository';

/** The answer to POST /tickets, or the replay of the first answer to the same Idempotency-Key. */
export interface CreatedTicket {
  readonly status: number;
  /** The TicketDto's JSON text: a replay is the very same document. */
  readonly body: JsonText<TicketDto>;
  readonly version: number;
  readonly replayed: boolean;
}

const CREATE_ROUTE = '/v1/tickets';

/** A ticket the requester opened by email (inbound-email). */
export interface EmailTicket {
  readonly subject: string;
  readonly description: string;
  readonly requester: { readonly email: string; readonly name: string };
  readonly ccEmails: readonly string[];
  /** The CLOSED ticket the message answered, when it opens a follow-up. */
  readonly followUpOfId: string | null;
}

interface TicketDraft {
  readonly subject: string;
  readonly description: string;
  readonly priority: TicketPriority;
  readonly type: TicketType;
  readonly assigneeId: string | null;
  readonly tags: readonly string[];
  readonly requester: RequesterInput;
  readonly actorUserId: string | null;
  readonly ccEmails?: readonly string[];
  readonly followUpOfId?: string | null;
}

@Injectable()
export class TicketsService {
  constructor(
    private readonly tickets: TicketsRepository,
    private readonly ticketEvents: TicketEventsRepository,
    private readonly contactsService: ContactsService,
    private readonly idempotencyKeys: IdempotencyKeysRepository,
    private readonly sla: SlaSettingsService,
    private readonly members: TenantMembersService,
    private readonly notifications: TicketNotifications,
    private readonly uploads: UploadsRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * Creates the ticket (and its requester when the email is new), its tags, its events and the
   * outbox rows of its emails (acknowledgement, assignment) in one statement. With an
   * Idempotency-Key, the key is claimed in the same transaction: a retry waits for the first
   * request and replays its answer, and creates nothing.
   */
  async create(tenant: TenantContext, dto: CreateTicketDto, idempotencyKey?: string): Promise<CreatedTicket> {
    const attachmentIds = dto.attachmentIds ?? [];
    assertAttachable(attachmentIds, this.config.attachments.maxFiles);
    const assigneeId = dto.assigneeId ?? null;
    const [sla] = await Promise.all([
      this.sla.get(tenant),
      assigneeId ? this.assertAssignable(tenant, assigneeId) : undefined,
    ]);
    const now = new Date();
    const input = await this.draft(tenant, sla, now, {
      subject: dto.subject,
      description: dto.description,
      priority: dto.priority ?? TicketPriority.NORMAL,
      type: dto.type ?? TicketType.QUESTION,
      assigneeId,
      tags: dto.tags ?? [],
      requester: dto.requesterId ? { id: dto.requesterId } : requesterOf(dto.requester!),
      actorUserId: tenant.userId,
    });

    // With files, the ticket and its files in one transaction: a file that cannot be attached undoes the ticket.
    const insert = async (tx: SqlSession) => {
      const inserted = await this.tickets.insert(input, tx);
      if (inserted && attachmentIds.length > 0)
        claimedInOrder(
          attachmentIds,
          await this.uploads.claimIn(tx, {
            ids: attachmentIds,
            userId: tenant.userId,
            ticketId: inserted.id,
            commentId: null,
            createdAt: now,
          }),
        );
      return inserted;
    };
    let created: InsertedTicket | null;
    if (!idempotencyKey) {
      created = attachmentIds.length > 0 ? await this.tickets.sqlTransaction(insert) : await this.tickets.insert(input);
    } else {
      const hash = requestHash('POST', CREATE_ROUTE, dto);
      const outcome = await this.tickets
        .sqlTransaction(async (tx) => {
          const earlier = await this.idempotencyKeys.claim(
            tx,
            {
              userId: tenant.userId,
              key: idempotencyKey,
              requestHash: hash,
              expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
            },
            IDEMPOTENCY_WAIT_MS,
          );
          if (earlier) return { earlier };
          const inserted = await insert(tx);
          // Nothing to keep: the key is released with the rollback.
          if (!inserted)
            throw new TicketsException(TicketsErrorCode.RequesterNotFound, `No contact ${dto.requesterId}.`);
          await this.idempotencyKeys.complete(tx, tenant.userId, idempotencyKey, 201, inserted.json);
          return { inserted };
        })
        .catch((error: unknown) => {
          if (isLockTimeout(error))
            throw new TicketsException(
              TicketsErrorCode.IdempotencyKeyInProgress,
              'The first request with this Idempotency-Key is still running; retry later.',
            );
          throw error;
        });
      if (outcome.earlier) return replayOf(outcome.earlier, hash);
      created = outcome.inserted;
    }
    if (!created) throw new TicketsException(TicketsErrorCode.RequesterNotFound, `No contact ${dto.requesterId}.`);
    await this.notifications.dispatch(tenant, created.outbox);
    return { status: 201, body: jsonText(created.json), version: created.version, replayed: false };
  }

  /**
   * A ticket the requester opened by email: NEW, unassigned, NORMAL, created by nobody (its events
   * name the requester's contact), with the message's CCs; the acknowledgement goes to the
   * requester through the outbox as for any new ticket.
   */
  async createFromEmail(tenant: TenantOnly, email: EmailTicket): Promise<{ id: string; number: number }> {
    const now = new Date();
    const input = await this.draft(tenant, await this.sla.get(tenant), now, {
      subject: email.subject,
      description: email.description,
      priority: TicketPriority.NORMAL,
      type: TicketType.QUESTION,
      assigneeId: null,
      tags: [],
      requester: requesterOf(email.requester),
      actorUserId: null,
      ccEmails: email.ccEmails,
      followUpOfId: email.followUpOfId,
    });
    const created = await this.tickets.insert(input);
    if (!created) throw new Error('a ticket insert with a new requester returned no row');
    await this.notifications.dispatch(tenant, created.outbox);
    return { id: created.id, number: (JSON.parse(created.json) as { number: number }).number };
  }

  /** The one statement's input of a new ticket, its events and emails. */
  private async draft(
    tenant: TenantOnly & { readonly userId?: string },
    sla: SlaTargets,
    now: Date,
    fields: TicketDraft,
  ): Promise<TicketInsert> {
    const { priority, type, assigneeId } = fields;
    // Assigned on creation means someone works on it already.
    const status = assigneeId ? TicketStatus.OPEN : TicketStatus.NEW;
    const tags = [...new Set(fields.tags)].sort();
    // `created` and `requesterId` get the number and the contact once inserted.
    const initial = {
      subject: fields.subject,
      status,
      priority,
      type,
      requesterId: '',
      assigneeId,
      tags: tags.length > 0 ? tags.join(', ') : null,
    };
    const events = [
      { field: 'created', toValue: null },
      ...Object.entries(initial)
        .filter(([, v]) => v !== null)
        .map(([field, v]) => ({ field, toValue: field === 'requesterId' ? null : v })),
    ].map((e) => ({ id: eventId(), ...e }));
    return {
      ticket: {
        subject: fields.subject,
        description: fields.description,
        status,
        priority,
        type,
        requesterId: '',
        assigneeId,
        createdById: fields.actorUserId,
        ccEmails: fields.ccEmails,
        followUpOfId: fields.followUpOfId,
        createdAt: now,
        ...dueTimes(sla, priority, now),
      },
      requester: fields.requester,
      tags,
      actorUserId: fields.actorUserId,
      events,
      outbox: await this.notifications.newTicketDrafts(tenant, {
        subject: fields.subject,
        assigneeId,
        actorUserId: fields.actorUserId,
      }),
    };
  }

  /** GET /v1/tickets/:id: the ticket's JSON as PostgreSQL wrote it (with its first comments when included), and its version. */
  async get(
    id: string,
    include: readonly TicketInclude[] = [],
  ): Promise<{ json: JsonText<TicketWithCommentsDto>; version: number }> {
    const found = await this.tickets.findJson(id, include.includes('comments') ? COMMENT_PAGE_SIZE : undefined);
    if (!found) throw new TicketsException(TicketsErrorCode.TicketNotFound);
    return { json: jsonText(found.json), version: found.version };
  }

  async getByNumber(number: number): Promise<TicketDto> {
    const ticket = await this.tickets.findByNumber(number);
    if (!ticket) throw new TicketsException(TicketsErrorCode.TicketNotFound);
    return toTicketDto(ticket);
  }

  /**
   * Applies the changes if the ticket is still at the version of `If-Match`: one event per changed
   * field and the new version, in one transaction. Nothing to change keeps the version.
   */
  async update(
    tenant: TenantContext,
    id: string,
    ifMatch: string | undefined,
    dto: UpdateTicketDto,
  ): Promise<TicketDto> {
    const expected = parseIfMatch(ifMatch);
    const current = await this.require(id);
    if (current.version !== expected) throw versionMismatch(current.version);
    if (dto.assigneeId && dto.assigneeId !== current.assigneeId) await this.assertAssignable(tenant, dto.assigneeId);
    const plan = planChanges(current, dto, new Date(), await this.sla.get(tenant));
    if (plan.events.length === 0) return toTicketDto(current);
    let outbox: OutboxRow[] = [];
    const updated = await this.tickets.transaction(async (tx) => {
      if (!(await this.tickets.updateIfVersion(tx, id, expected, plan.changes))) return null;
      await this.ticketEvents.recordMany(
        tx,
        plan.events.map((e) => ({ ...e, ticketId: id, actorUserId: tenant.userId })),
      );
      const ticket = await this.tickets.findById(id, tx);
      if (ticket && plan.changes.assigneeId) outbox = await this.notifications.ticketAssigned(tx, tenant, ticket);
      return ticket;
    });
    await this.notifications.dispatch(tenant, outbox);
    if (!updated) {
      const now = await this.tickets.findById(id);
      if (!now) throw new TicketsException(TicketsErrorCode.TicketNotFound);
      throw versionMismatch(now.version);
    }
    return toTicketDto(updated);
  }

  async events(id: string): Promise<TicketEventListDto> {
    await this.require(id);
    return { items: (await this.ticketEvents.list(id)).map(toTicketEventDto) };
  }

  async listByRequester(contactId: string, query: PageQueryDto): Promise<TicketPageDto> {
    await this.contactsService.require(contactId);
    const page = await this.tickets.listByRequester(contactId, query.cursor, query.limit ?? DEFAULT_PAGE_SIZE);
    return { items: page.items.map(toTicketDto), nextCursor: page.nextCursor };
  }

  /** The ticket outside the trash, or 404 `ticket_not_found`. */
  async require(id: string): Promise<TicketRecord> {
    const ticket = await this.tickets.findById(id);
    if (!ticket) throw new TicketsException(TicketsErrorCode.TicketNotFound);
    return ticket;
  }

  /** 422 `assignee_not_member` unless the user is a member of the caller's tenant now. */
  async assertAssignable(tenant: TenantContext, userId: string): Promise<void> {
    if (!(await this.members.isMember(tenant.tenantId, userId)))
      throw new TicketsException(TicketsErrorCode.AssigneeNotMember, `User ${userId} is not a member of this tenant.`);
  }
}

/** A new contact's email lower-cased, and its name (default: the part of the email before @). */
function requesterOf(input: { readonly email: string; readonly name?: string }): RequesterInput {
  const email = input.email.toLowerCase();
  return { email, name: input.name ?? email.split('@')[0] };
}

/** The first answer to the same Idempotency-Key, or why it cannot be replayed. */
function replayOf(earlier: EarlierRequest, hash: string): CreatedTicket {
  if (earlier.requestHash !== hash)
    throw new TicketsException(
      TicketsErrorCode.IdempotencyKeyReused,
      'This Idempotency-Key was used with another request; use a new key.',
    );
  if (earlier.responseStatus === null || earlier.responseBody === null)
    throw new TicketsException(TicketsErrorCode.IdempotencyKeyInProgress);
  const body = jsonText<TicketDto>(earlier.responseBody);
  return {
    status: earlier.responseStatus,
    body,
    version: (JSON.parse(earlier.responseBody) as { version: number }).version,
    replayed: true,
  };
}
