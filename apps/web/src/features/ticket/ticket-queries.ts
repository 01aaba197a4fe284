import { type AppApiSchemas, pages, unwrap } from '@helpdeskly/sdk';
import { queryOptions } from '@tanstack/react-query';
import { sdk } from '../../lib/api-client';

export type Comment = AppApiSchemas['CommentDto'];

/** GET /v1/tickets/:id; the SDK keeps its ETag for the If-Match of the next change. */
export const ticketQuery = (id: string) =>
  queryOptions({
    queryKey: ['ticket', id],
    queryFn: ({ signal }) => unwrap(sdk.app.GET('/v1/tickets/{id}', { params: { path: { id } }, signal })),
  });

/** Every comment of the ticket, oldest first, page after page. */
export const commentsQuery = (id: string) =>
  queryOptions({
    queryKey: ['ticket', id, 'comments'],
    queryFn: async ({ signal }) => {
      const all: Comment[] = [];
      for await (const page of pages((cursor) =>
        unwrap(
          sdk.app.GET('/v1/tickets/{id}/comments', { params: { path: { id }, query: { cursor, limit: 100 } }, signal }),
        ),
      ))
        all.push(...page.items);
      return all;
    },
  });

/** The tenant's members (control-api), to name authors and pick an assignee. */
export const membersQuery = () =>
  queryOptions({
    queryKey: ['members'],
    queryFn: () => unwrap(sdk.control.GET('/v1/members')),
    staleTime: 5 * 60_000,
  });
