import { unwrap } from '@helpdeskly/sdk';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { sdk } from '../../lib/api-client';
import { type InboxFilters, ticketQuery } from './inbox-filters';

export const countsQuery = () =>
  queryOptions({
    queryKey: ['tickets', 'counts'],
    queryFn: () => unwrap(sdk.app.GET('/v1/tickets/counts')),
    refetchInterval: 60_000,
  });

/** One cursor page after another, for the infinite list; the filters are the cache key. */
export const ticketsQuery = (filters: InboxFilters) =>
  infiniteQueryOptions({
    queryKey: ['tickets', 'list', filters],
    queryFn: ({ pageParam, signal }) =>
      unwrap(sdk.app.GET('/v1/tickets', { params: { query: { ...ticketQuery(filters), cursor: pageParam } }, signal })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const tagsQuery = () =>
  queryOptions({ queryKey: ['tags'], queryFn: () => unwrap(sdk.app.GET('/v1/tags')), staleTime: 60_000 });
