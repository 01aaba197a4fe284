import { Injectable } from '@nestjs/common';
import { type TenantPrisma, tenantSettingsOf } from '@helpdeskly/database';
import type { EmailMessage, TicketRef } from '@helpdeskly/mail';
import { QUEUES } from '@helpdeskly/queues';
import type { TenantContext, TenantOnly } from '../tenancy/tenant-context';
import { TenantMembersService } from '../tenancy/tenant-members.service';
import { OutboxRelay } from './outbox.relay';
import { type NewOutboxRow, OutboxRepository, type OutboxRow } from './outbox.repository';

type Tx = TenantPrisma.TransactionClient;

/** What the notifications need to know of a ticket. */
export interface NotifiedTicket {
  readonly id: string;
  readonly number: number;
  readonly subject: string;
  readonly assigneeId: string | null;
  readonly requester: { readonly name: string; readonly email: string };
  /** For the reply address of the emails to the requester (with mail to tickets on). */
  readonly replyToken?: string;
  /** Copied on the emails to the requester. */
  readonly ccEmails?: readonly string[] | null;
}

export interface NotifiedComment {
  readonly body: string;
  readonly public: boolean;
  /** Logged by an agent on behalf of the requester (asRequester). */
  readonly byRequester: boolean;
}

/**
 * The emails a change of a ticket causes, written to the tenant's outbox inside the change's own
 * transaction (so an email exists if and only if its change committed), then relayed to the queue
 * `email` by {@link dispatch} once the transaction committed.
 */
@Injectable()
export class TicketNotifications {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly members: TenantMembersService,
  ) {}

  /**
   * The rows a new ticket writes to the outbox, for {@link TicketsRepository.insert}, which fills
   * in what only the inserted rows know: the ticket's reference (`data.ticket`) and, for the
   * acknowledgement to the requester (no `to`), the requester's address and name; the assignment
   * email as {@link ticketAssigned} writes it, unless the actor (null: the requester) assigned it
   * to themselves.
   */
  async newTicketDrafts(
    tenant: TenantOnly,
    draft: { readonly subject: string; readonly assigneeId: string | null; readonly actorUserId: string | null },
  ): Promise<NewOutboxRow[]> {
    // Replaced by the ticket's reference once it is inserted.
    const ticket: TicketRef = { ticketId: '', number: 0, subject: draft.subject };
    const messages: Array<{ template: EmailMessage['template']; to?: string; data: Record<string, unknown> }> = [
      { template: 'ticket-created', data: { ticket } },
    ];
    if (draft.assigneeId && draft.assigneeId !== draft.actorUserId) {
      const ids = draft.actorUserId ? [draft.assigneeId, draft.actorUserId] : [draft.assigneeId];
      const [assignee, actor] = await this.members.byIds(tenant.tenantId, ids);
      if (assignee)
        messages.push({
          template: 'ticket-assigned',
          to: assignee.email,
          data: { ticket, assigneeName: assignee.name, assignedByName: actor?.name ?? null },
        });
    }
    const senderName = senderNameOf(tenant);
    return messages.map((m) => ({
      queue: QUEUES.email,
      name: m.template,
      payload: { ...m, senderName, mailbox: tenant.slug } as TenantPrisma.InputJsonValue,
    }));
  }

  /** To the ticket's (new) assignee, unless they assigned it to themselves. */
  async ticketAssigned(tx: Tx, tenant: TenantContext, ticket: NotifiedTicket): Promise<OutboxRow[]> {
    if (!ticket.assigneeId || ticket.assigneeId === tenant.userId) return [];
    const [assignee, actor] = await this.members.byIds(tenant.tenantId, [ticket.assigneeId, tenant.userId]);
    if (!assignee) return [];
    return this.write(tx, tenant, [
      {
        template: 'ticket-assigned',
        to: assignee.email,
        data: { ticket: ref(ticket), assigneeName: assignee.name, assignedByName: actor?.name ?? null },
      },
    ]);
  }

  /**
   * A public agent reply goes to the requester; a requester's reply to the assignee, if any;
   * an internal note to nobody.
   */
  async commentAdded(
    tx: Tx,
    tenant: TenantOnly & { readonly userId: string | null },
    ticket: NotifiedTicket,
    comment: NotifiedComment,
  ): Promise<OutboxRow[]> {
    if (!comment.public) return [];
    if (!comment.byRequester && tenant.userId) {
      const [agent] = await this.members.byIds(tenant.tenantId, [tenant.userId]);
      return this.write(tx, tenant, [
        {
          template: 'agent-reply',
          to: ticket.requester.email,
          ...(ticket.ccEmails && ticket.ccEmails.length > 0 ? { cc: ticket.ccEmails } : {}),
          data: {
            ticket: ref(ticket),
            requesterName: ticket.requester.name,
            agentName: agent?.name ?? 'Support',
            body: comment.body,
          },
        },
      ]);
    }
    if (!ticket.assigneeId) return [];
    const [assignee] = await this.members.byIds(tenant.tenantId, [ticket.assigneeId]);
    if (!assignee) return [];
    return this.write(tx, tenant, [
      {
        template: 'requester-reply',
        to: assignee.email,
        data: {
          ticket: ref(ticket),
          assigneeName: assignee.name,
          requesterName: ticket.requester.name,
          body: comment.body,
        },
      },
    ]);
  }

  /** After the transaction committed: enqueues its rows (a failure leaves them to the sweeper). */
  dispatch(tenant: TenantOnly, rows: readonly OutboxRow[]): Promise<void> {
    return this.relay.relay(tenant.tenantId, rows);
  }

  private write(
    tx: Tx,
    tenant: TenantOnly,
    messages: ReadonlyArray<Omit<EmailMessage, 'senderName'>>,
  ): Promise<OutboxRow[]> {
    const senderName = senderNameOf(tenant);
    return this.outbox.insert(
      tx,
      messages.map((m) => ({
        queue: QUEUES.email,
        name: m.template,
        payload: { ...m, senderName, mailbox: tenant.slug } as TenantPrisma.InputJsonValue,
      })),
    );
  }
}

const ref = (ticket: NotifiedTicket): TicketRef => ({
  ticketId: ticket.id,
  number: ticket.number,
  subject: ticket.subject,
  ...(ticket.replyToken ? { replyToken: ticket.replyToken } : {}),
});

/** The tenant's `emailSenderName` setting when set, else the tenant's name. */
export function senderNameOf(tenant: TenantOnly): string {
  return tenantSettingsOf(tenant.settings).emailSenderName ?? tenant.name;
}
