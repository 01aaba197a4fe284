import { Injectable } from '@nestjs/common';
import { type JsonText, jsonText } from '@helpdeskly/http';
import type { TenantContext } from '../../tenancy/tenant-context';
import type { TicketListQueryDto } from './dto/ticket-list-query.dto';
import type { TicketCountsDto, TicketListPageDto } from './dto/ticket-summary.dto';
import { decodeTicketCursor, encodeTicketCursor, type SortDirection, type TicketSortKey } from './ticket-cursor';
import { type TicketFilters, TicketSearchRepository } from './ticket-search.repository';

/** The ticket list of the inbox: filters, sorts, keyset pages, full-text search, and the counters. */
@Injectable()
export class TicketSearchService {
  constructor(private readonly tickets: TicketSearchRepository) {}

  /** The page as JSON text (TicketListPageDto): PostgreSQL wrote the items, this adds the cursor. */
  async list(tenant: TenantContext, query: TicketListQueryDto): Promise<JsonText<TicketListPageDto>> {
    const { key, direction } = sortOf(query);
    const after = query.cursor === undefined ? undefined : decodeTicketCursor(query.cursor, key, direction);
    const page = await this.tickets.findPage({
      filters: filtersOf(tenant, query),
      key,
      direction,
      after,
      limit: query.limit,
    });
    const nextCursor = page.next
      ? encodeTicketCursor({ key, direction, value: page.next.sortValue, id: page.next.id })
      : null;
    return jsonText(`{"items":${page.itemsJson},"nextCursor":${JSON.stringify(nextCursor)}}`);
  }

  async counts(tenant: TenantContext): Promise<TicketCountsDto> {
    const { total, mine, unassigned, overdue, ...byStatus } = await this.tickets.counts(tenant.userId);
    return { byStatus: byStatus as unknown as TicketCountsDto['byStatus'], total, mine, unassigned, overdue };
  }
}

function sortOf(query: TicketListQueryDto): { key: TicketSortKey; direction: SortDirection } {
  if (query.sort === undefined)
    return query.q === undefined ? { key: 'created', direction: 'desc' } : { key: 'relevance', direction: 'desc' };
  const descending = query.sort.startsWith('-');
  return {
    key: (descending ? query.sort.slice(1) : query.sort) as TicketSortKey,
    direction: descending ? 'desc' : 'asc',
  };
}

function filtersOf(tenant: TenantContext, q: TicketListQueryDto): TicketFilters {
  const assigneeId =
    q.assignee === undefined
      ? undefined
      : q.assignee === 'me'
        ? tenant.userId
        : q.assignee === 'none'
          ? null
          : q.assignee.toLowerCase();
  return {
    status: q.status,
    priority: q.priority,
    assigneeId,
    requesterId: q.requesterId,
    tag: q.tag,
    createdFrom: q.createdFrom,
    createdTo: q.createdTo,
    updatedFrom: q.updatedFrom,
    updatedTo: q.updatedTo,
    overdue: q.overdue,
    q: q.q,
  };
}
