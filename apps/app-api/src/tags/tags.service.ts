import { Injectable } from '@nestjs/common';
import type { TenantPrisma } from '@helpdeskly/database';
import type { TenantContext } from '../tenancy/tenant-context';
import { TicketEventsRepository } from '../tickets/ticket-events.repository';
import { TicketsErrorCode, TicketsException } from '../tickets/tickets.errors';
import type { TagListDto, TicketTagsDto } from './dto/tag.dto';
import { TagsErrorCode, TagsException } from './tags.errors';
import { TagsRepository } from './tags.repository';

const asEventValue = (tags: readonly string[]) => (tags.length > 0 ? tags.join(',') : null);

/**
 * Tags on tickets, and the tenant's tag list. A change of a ticket's tags bumps its version and is
 * a `tags` event (from and to: the sorted tags, comma-separated). Renaming or deleting a tag is an
 * administrative change: each affected ticket gets a `tags` event but keeps its version and
 * updatedAt, so the inbox order does not jump.
 */
@Injectable()
export class TagsService {
  constructor(
    private readonly tags: TagsRepository,
    private readonly events: TicketEventsRepository,
  ) {}

  addToTicket(tenant: TenantContext, ticketId: string, names: readonly string[]): Promise<TicketTagsDto> {
    const unique = [...new Set(names)];
    return this.changeTicketTags(tenant, ticketId, (tx) => this.tags.link(tx, ticketId, unique));
  }

  /** Idempotent: removing a tag the ticket does not carry answers its tags unchanged. */
  removeFromTicket(tenant: TenantContext, ticketId: string, name: string): Promise<TicketTagsDto> {
    return this.changeTicketTags(tenant, ticketId, (tx) => this.tags.unlink(tx, ticketId, name));
  }

  async list(): Promise<TagListDto> {
    return { items: await this.tags.listWithCounts() };
  }

  rename(tenant: TenantContext, name: string, newName: string): Promise<{ name: string }> {
    return this.tags.transaction(async (tx) => {
      const tag = await this.tags.findByName(tx, name);
      if (!tag) throw new TagsException(TagsErrorCode.TagNotFound);
      if (newName === name) return { name };
      if (await this.tags.findByName(tx, newName))
        throw new TagsException(TagsErrorCode.TagNameTaken, `Tag "${newName}" exists; delete or rename it first.`);
      await this.tags.recordTagChangeEvents(tx, tag.id, newName, tenant.userId);
      if (!(await this.tags.rename(tx, tag.id, newName)))
        throw new TagsException(TagsErrorCode.TagNameTaken, `Tag "${newName}" exists; delete or rename it first.`);
      return { name: newName };
    });
  }

  delete(tenant: TenantContext, name: string): Promise<void> {
    return this.tags.transaction(async (tx) => {
      const tag = await this.tags.findByName(tx, name);
      if (!tag) throw new TagsException(TagsErrorCode.TagNotFound);
      await this.tags.recordTagChangeEvents(tx, tag.id, null, tenant.userId);
      await this.tags.delete(tx, tag.id);
    });
  }

  private changeTicketTags(
    tenant: TenantContext,
    ticketId: string,
    change: (tx: TenantPrisma.TransactionClient) => Promise<number>,
  ): Promise<TicketTagsDto> {
    return this.tags.transaction(async (tx) => {
      if (!(await this.tags.lockTicket(tx, ticketId))) throw new TicketsException(TicketsErrorCode.TicketNotFound);
      const before = await this.tags.tagsOfTicket(tx, ticketId);
      if ((await change(tx)) === 0) return { ticketId, tags: before };
      const after = await this.tags.tagsOfTicket(tx, ticketId);
      await this.tags.bumpVersion(tx, ticketId);
      await this.events.record(tx, {
        ticketId,
        actorUserId: tenant.userId,
        field: 'tags',
        fromValue: asEventValue(before),
        toValue: asEventValue(after),
      });
      return { ticketId, tags: after };
    });
  }
}
