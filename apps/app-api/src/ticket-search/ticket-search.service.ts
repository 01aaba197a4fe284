import { Injectable } from '@nestjs/common';
import type { Page } from '@helpdeskly/database';
import type { TenantContext } from '../tenancy/tenant-context';
import type { TicketListQueryDto } from './dto/ticket-list-query.dto';
import type { TicketCountsDto, TicketSummaryDto } from './dto/ticket-summary.dto';
import { decodeTicketCursor, encodeTicketCursor, type SortDirection, type TicketSortKey } from './ticket-cursor';
import { type TicketFilters, TicketSearchRepository } from './ticket-search.repository';

/** The ticket list of the inbox: filters, sorts, keyset pages, full-text search, and the counters. */
@Injectable()
export class TicketSearchService {
  constructor(private readonly tickets: TicketSearchRepository) {}

  async list(tenant: TenantContext, query: TicketListQueryDto): Promise<Page<TicketSummaryDto>> {
    const { key, direction } = sortOf(query);
    const after = query.cursor === undefined ? undefined : decodeTicketCursor(query.cursor, key, direction);
    const rows = await this.tickets.findPage({ filters: filtersOf(tenant, query), key, direction, after, limit: query.limit });
    const pageRows = rows.slice(0, query.limit);
    const summaries = await this.tickets.loadSummaries(pageRows.map((r) => r.id));
    const rankOf = new Map(pageRows.map((r) => [r.id, r.rank]));
    const items = summaries.map((s) => (query.q === undefined ? s : { ...s, rank: rankOf.get(s.id) ?? 0 }));
    const last = pageRows[pageRows.length - 1];
    return { items, nextCursor: rows.length > query.limit ? encodeTicketCursor({ key, direction, value: last.sortValue, id: last.id }) : null };
  }

  async counts(tenant: TenantContext): Promise<TicketCountsDto> {
    const { total, mine, unassigned, overdue, ...byStatus } = await this.tickets.counts(tenant.userId);
    return { byStatus: byStatus as unknown as TicketCountsDto['byStatus'], total, mine, unassigned, overdue };
  }
}

function sortOf(query: TicketListQueryDto): { key: TicketSortKey; direction: SortDirection } {
  if (query.sort === undefined) return query.q === undefined ? { key: 'created', direction: 'desc' } : { key: 'relevance', direction: 'desc' };
  const descending = query.sort.startsWith('-');
  return { key: (descending ? query.sort.slice(1) : query.sort) as TicketSortKey, direction: descending ? 'desc' : 'asc' };
}

function filtersOf(tenant: TenantContext, q: TicketListQueryDto): TicketFilters {
  const assigneeId = q.assignee === undefined ? undefined : q.assignee === 'me' ? tenant.userId : q.assignee === 'none' ? null : q.assignee.toLowerCase();
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
