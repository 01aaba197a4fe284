import { Injectable } from '@nestjs/common';
import { ValidationProblem } from '@helpdeskly/errors';
import type { OutboxRow } from '../notifications/outbox.repository';
import { TicketNotifications } from '../notifications/ticket-notifications.service';
import { SlaSettingsService } from '../settings/sla-settings.service';
import type { TenantContext } from '../tenancy/tenant-context';
import type { BulkResultDto, BulkTicketResultDto, BulkUpdateDto } from './dto/bulk.dto';
import { type ChangePlan, type FieldChange, planChanges } from './ticket-changes';
import { TicketEventsRepository } from './ticket-events.repository';
import { TicketsErrorCode, TicketsException } from './tickets.errors';
import { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';

/** Another request changed one of the tickets between our read and our write. */
class StaleTicket extends Error {}

interface TicketPlan extends ChangePlan {
  readonly ticketId: string;
  readonly version: number;
  readonly addTags: string[];
  readonly removeTags: string[];
}

/** Optimistic attempts before giving up when the tickets keep changing under us. */
const ATTEMPTS = 3;

/** Up to 100 tickets changed at once: all of them or none. */
@Injectable()
export class BulkUpdateService {
  constructor(
    private readonly tickets: TicketsRepository,
    private readonly events: TicketEventsRepository,
    private readonly ticketsService: TicketsService,
    private readonly sla: SlaSettingsService,
    private readonly notifications: TicketNotifications,
  ) {}

  /**
   * Plans every ticket's change (the same rules as a PATCH). If any ticket refuses (not found,
   * invalid transition), nothing is applied: 422 `bulk_failed` with each ticket's result.
   * Otherwise all are applied in one transaction, each conditional on the version just read.
   */
  async update(tenant: TenantContext, dto: BulkUpdateDto): Promise<BulkResultDto> {
    const { changes } = dto;
    if (Object.values(changes).every((v) => v === undefined)) {
      throw new ValidationProblem([
        { field: 'body.changes', code: 'notEmpty', message: 'changes must name at least one change' },
      ]);
    }
    if (changes.assigneeId) await this.ticketsService.assertAssignable(tenant, changes.assigneeId);
    const sla = await this.sla.get(tenant);

    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const now = new Date();
      const found = new Map((await this.tickets.findManyByIds(dto.ticketIds)).map((t) => [t.id, t]));
      const outcomes = dto.ticketIds.map((ticketId): TicketPlan | BulkTicketResultDto => {
        const ticket = found.get(ticketId);
        if (!ticket) return { ticketId, ok: false, error: TicketsErrorCode.TicketNotFound };
        try {
          const plan = planChanges(
            ticket,
            { status: changes.status, priority: changes.priority, assigneeId: changes.assigneeId },
            now,
            sla,
          );
          const current = ticket.tags.map((t) => t.tag.name);
          const addTags = [...new Set(changes.addTags ?? [])].filter((n) => !current.includes(n));
          const removeTags = [...new Set(changes.removeTags ?? [])].filter(
            (n) => current.includes(n) && !addTags.includes(n),
          );
          const events: FieldChange[] = [...plan.events];
          if (addTags.length > 0 || removeTags.length > 0) {
            const next = [...current.filter((n) => !removeTags.includes(n)), ...addTags].sort();
            events.push({
              field: 'tags',
              fromValue: [...current].sort().join(', ') || null,
              toValue: next.join(', ') || null,
            });
          }
          return { ticketId, version: ticket.version, changes: plan.changes, events, addTags, removeTags };
        } catch (error) {
          if (error instanceof TicketsException)
            return { ticketId, ok: false, error: error.code, detail: error.problem.detail };
          throw error;
        }
      });
      const failed = outcomes.some((o) => 'ok' in o);
      if (failed) {
        const results = outcomes.map((o) => ('ok' in o ? o : { ticketId: o.ticketId, ok: true }));
        throw new TicketsException(
          TicketsErrorCode.BulkFailed,
          'At least one ticket refused the changes; none was changed.',
          { extensions: { results } },
        );
      }
      try {
        return { results: await this.apply(tenant, outcomes as TicketPlan[]) };
      } catch (error) {
        if (!(error instanceof StaleTicket)) throw error;
      }
    }
    throw new TicketsException(TicketsErrorCode.ConcurrentUpdate, 'The tickets kept changing meanwhile; try again.');
  }

  /** Applies every plan in one transaction, with the assignment emails of the tickets that got a new assignee. */
  private async apply(tenant: TenantContext, plans: TicketPlan[]): Promise<BulkTicketResultDto[]> {
    const outbox: OutboxRow[] = [];
    const results = await this.tickets.transaction(async (tx) => {
      const results: BulkTicketResultDto[] = [];
      for (const plan of plans) {
        if (plan.events.length === 0) {
          results.push({ ticketId: plan.ticketId, ok: true, version: plan.version });
          continue;
        }
        if (!(await this.tickets.updateIfVersion(tx, plan.ticketId, plan.version, plan.changes)))
          throw new StaleTicket();
        await this.tickets.addTags(tx, plan.ticketId, plan.addTags);
        await this.tickets.removeTags(tx, plan.ticketId, plan.removeTags);
        await this.events.recordMany(
          tx,
          plan.events.map((e) => ({ ...e, ticketId: plan.ticketId, actorUserId: tenant.userId })),
        );
        const assigned = plan.changes.assigneeId ? await this.tickets.findById(plan.ticketId, tx) : null;
        if (assigned) outbox.push(...(await this.notifications.ticketAssigned(tx, tenant, assigned)));
        results.push({ ticketId: plan.ticketId, ok: true, version: plan.version + 1 });
      }
      return results;
    });
    await this.notifications.dispatch(tenant, outbox);
    return results;
  }
}
