import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorAlert, Loading } from '../../components/alert';
import { Badge } from '../../components/badge';
import { formatDateTime, humanize, priorityTone, statusTone } from '../../lib/format';
import { Composer } from './composer';
import { Conversation } from './conversation';
import { TicketProperties } from './ticket-properties';
import { commentsQuery, membersQuery, ticketQuery } from './ticket-queries';

/** One ticket: the conversation and composer, its properties beside them. */
export function TicketPage() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const ticket = useQuery(ticketQuery(id));
  const comments = useQuery(commentsQuery(id));
  const members = useQuery(membersQuery());

  const nameOf = useCallback(
    (userId: string | null) =>
      userId === null
        ? 'Unassigned'
        : (members.data?.items.find((m) => m.userId === userId)?.name ?? 'A former member'),
    [members.data],
  );

  // A reply can move the ticket (first response, reopen): read it again with the comments.
  const refreshAll = useCallback(
    () =>
      Promise.all([
        queryClient.fetchQuery({ ...ticketQuery(id), staleTime: 0 }),
        queryClient.invalidateQueries({ queryKey: commentsQuery(id).queryKey }),
        queryClient.invalidateQueries({ queryKey: ['tickets'] }),
      ]),
    [queryClient, id],
  );
  const refreshLists = useCallback(() => queryClient.invalidateQueries({ queryKey: ['tickets'] }), [queryClient]);

  if (ticket.isPending) return <Loading label="Loading the ticket…" />;
  if (ticket.isError)
    return (
      <section className="page">
        <Link to="/" className="back-link">
          ← Inbox
        </Link>
        <ErrorAlert error={ticket.error} onRetry={() => void ticket.refetch()} />
      </section>
    );
  const t = ticket.data;
  return (
    <section className="page ticket-page" aria-labelledby="ticket-title">
      <Link to="/" className="back-link">
        ← Inbox
      </Link>
      <header className="ticket-header">
        <h1 id="ticket-title">
          <span className="ticket-number">#{t.number}</span> {t.subject}
        </h1>
        <p className="ticket-meta">
          <Badge tone={statusTone(t.status)}>{humanize(t.status)}</Badge>
          <Badge tone={priorityTone(t.priority)}>{humanize(t.priority)}</Badge>
          <span>
            {t.requester.name} &lt;{t.requester.email}&gt; · opened {formatDateTime(t.createdAt)}
          </span>
        </p>
      </header>
      <div className="ticket-layout">
        <div className="ticket-main">
          {comments.isError && <ErrorAlert error={comments.error} onRetry={() => void comments.refetch()} />}
          {comments.isPending ? (
            <Loading label="Loading the conversation…" />
          ) : (
            <Conversation ticket={t} comments={comments.data ?? []} nameOf={nameOf} />
          )}
          <Composer ticketId={t.id} closed={t.status === 'CLOSED'} onPosted={refreshAll} />
        </div>
        <TicketProperties ticket={t} members={members.data?.items ?? []} nameOf={nameOf} onChanged={refreshLists} />
      </div>
    </section>
  );
}
