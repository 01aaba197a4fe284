// The inbox's filters live in the URL (?status=OPEN,PENDING&assignee=me&q=printer), so a view can
// be bookmarked, shared and reloaded, and Back undoes a filter change.
import type { AppApiPaths } from '@helpdeskly/sdk';

export const STATUSES = ['NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'SOLVED', 'CLOSED'] as const;
export const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
export type TicketStatus = (typeof STATUSES)[number];
export type TicketPriority = (typeof PRIORITIES)[number];
export type AssigneeFilter = 'me' | 'none';

export interface InboxFilters {
  readonly status: readonly TicketStatus[];
  readonly priority: readonly TicketPriority[];
  readonly assignee?: AssigneeFilter;
  readonly tag?: string;
  readonly q?: string;
  readonly overdue?: boolean;
}

export type TicketListQuery = NonNullable<AppApiPaths['/v1/tickets']['get']['parameters']['query']>;

const listOf = <T extends string>(value: string | null, allowed: readonly T[]): T[] =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim().toUpperCase())
    .filter((v): v is T => (allowed as readonly string[]).includes(v))
    .filter((v, i, all) => all.indexOf(v) === i);

const textOf = (value: string | null): string | undefined => value?.trim() || undefined;

/** The filters a URL names; values it does not know are dropped rather than sent to the API. */
export function parseFilters(params: URLSearchParams): InboxFilters {
  const assignee = params.get('assignee');
  return {
    status: listOf(params.get('status'), STATUSES),
    priority: listOf(params.get('priority'), PRIORITIES),
    assignee: assignee === 'me' || assignee === 'none' ? assignee : undefined,
    tag: textOf(params.get('tag'))?.toLowerCase(),
    q: textOf(params.get('q')),
    overdue: params.get('overdue') === 'true' || undefined,
  };
}

/** The URL of filters, in a fixed order and without empty values, so equal filters give equal URLs. */
export function filtersToParams(filters: InboxFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status.length > 0) params.set('status', filters.status.join(','));
  if (filters.priority.length > 0) params.set('priority', filters.priority.join(','));
  if (filters.assignee) params.set('assignee', filters.assignee);
  if (filters.tag) params.set('tag', filters.tag);
  if (filters.q) params.set('q', filters.q);
  if (filters.overdue) params.set('overdue', 'true');
  return params;
}

/** GET /v1/tickets's query for the filters (without the cursor). */
export function ticketQuery(filters: InboxFilters, limit = 25): TicketListQuery {
  return {
    ...(filters.status.length > 0 && { status: [...filters.status] }),
    ...(filters.priority.length > 0 && { priority: [...filters.priority] }),
    ...(filters.assignee && { assignee: filters.assignee }),
    ...(filters.tag && { tag: filters.tag }),
    ...(filters.q && { q: filters.q }),
    ...(filters.overdue && { overdue: true }),
    limit,
  };
}

/** True when the filters are one of the sidebar's views exactly (to mark it current). */
export function sameFilters(a: InboxFilters, b: InboxFilters): boolean {
  return filtersToParams(a).toString() === filtersToParams(b).toString();
}

export const NO_FILTERS: InboxFilters = { status: [], priority: [] };
