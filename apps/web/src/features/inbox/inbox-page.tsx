import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorAlert, Loading } from '../../components/alert';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { SelectField, TextField } from '../../components/field';
import { formatDateTime, humanize, priorityTone, statusTone } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import {
  filtersToParams,
  type InboxFilters,
  parseFilters,
  PRIORITIES,
  STATUSES,
  type TicketPriority,
  type TicketStatus,
} from './inbox-filters';
import { tagsQuery, ticketsQuery } from './inbox-queries';
import { dueState } from './sla';

/** The ticket list: filters and search in the URL, pages loaded as the list scrolls. */
export function InboxPage() {
  const [params, setParams] = useSearchParams();
  const filters = parseFilters(params);
  const tickets = useInfiniteQuery(ticketsQuery(filters));
  const tags = useQuery(tagsQuery());
  const now = useNow();
  const [search, setSearch] = useState(filters.q ?? '');
  const sentinel = useRef<HTMLDivElement>(null);

  useEffect(() => setSearch(filters.q ?? ''), [filters.q]);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = tickets;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const apply = (next: Partial<InboxFilters>) => setParams(filtersToParams({ ...filters, ...next }));
  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    apply({ q: search.trim() || undefined });
  };
  const items = tickets.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section className="page" aria-labelledby="inbox-title">
      <header className="page-header">
        <h1 id="inbox-title">Inbox</h1>
        <form role="search" className="search" onSubmit={onSearch}>
          <TextField
            label="Search tickets"
            hideLabel
            type="search"
            placeholder='Search subject, description and comments (e.g. printer -toner, "a phrase")'
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <Button type="submit" variant="primary">
            Search
          </Button>
        </form>
      </header>

      <div className="filters" role="group" aria-label="Filters">
        <SelectField
          label="Status"
          value={filters.status[0] ?? ''}
          onChange={(e) => apply({ status: e.target.value ? [e.target.value as TicketStatus] : [] })}
        >
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Priority"
          value={filters.priority[0] ?? ''}
          onChange={(e) => apply({ priority: e.target.value ? [e.target.value as TicketPriority] : [] })}
        >
          <option value="">Any priority</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {humanize(p)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Assignee"
          value={filters.assignee ?? ''}
          onChange={(e) => apply({ assignee: (e.target.value || undefined) as InboxFilters['assignee'] })}
        >
          <option value="">Anyone</option>
          <option value="me">Me</option>
          <option value="none">Unassigned</option>
        </SelectField>
        <SelectField
          label="Tag"
          value={filters.tag ?? ''}
          onChange={(e) => apply({ tag: e.target.value || undefined })}
        >
          <option value="">Any tag</option>
          {filters.tag && !tags.data?.items.some((t) => t.name === filters.tag) && (
            <option value={filters.tag}>{filters.tag}</option>
          )}
          {tags.data?.items.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name} ({t.ticketCount})
            </option>
          ))}
        </SelectField>
        {params.toString() !== '' && (
          <Button variant="ghost" className="filters-clear" onClick={() => setParams(new URLSearchParams())}>
            Clear filters
          </Button>
        )}
      </div>

      {tickets.isPending && <Loading label="Loading tickets…" />}
      {tickets.isError && <ErrorAlert error={tickets.error} onRetry={() => void tickets.refetch()} />}
      {tickets.isSuccess && items.length === 0 && (
        <div className="empty">
          <p className="empty-title">No tickets match these filters.</p>
          <p className="muted">Try another view, or clear the filters.</p>
        </div>
      )}
      {items.length > 0 && (
        <ul className="ticket-list" aria-label="Tickets">
          {items.map((ticket) => {
            const due = dueState(ticket, now);
            return (
              <li key={ticket.id} className="ticket-row">
                <div className="ticket-row-main">
                  <Link to={`/tickets/${ticket.id}`} className="ticket-link">
                    <span className="ticket-number">#{ticket.number}</span> {ticket.subject}
                  </Link>
                  <p className="ticket-meta">
                    {ticket.requester.name || ticket.requester.email} · updated {formatDateTime(ticket.updatedAt)}
                    {ticket.tags.length > 0 && (
                      <span className="ticket-tags">
                        {ticket.tags.map((tag) => (
                          <span key={tag} className="tag">
                            {tag}
                          </span>
                        ))}
                      </span>
                    )}
                  </p>
                </div>
                <div className="ticket-row-side">
                  {due && (
                    <Badge tone={`due-${due.tone}`} title={`${humanize(due.kind)} due ${formatDateTime(due.dueAt)}`}>
                      {due.label}
                    </Badge>
                  )}
                  <Badge tone={priorityTone(ticket.priority)}>{humanize(ticket.priority)}</Badge>
                  <Badge tone={statusTone(ticket.status)}>{humanize(ticket.status)}</Badge>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <div ref={sentinel} className="list-end">
        {tickets.isFetchingNextPage && <Loading label="Loading more tickets…" />}
        {tickets.isFetchNextPageError && <ErrorAlert error={tickets.error} onRetry={() => void fetchNextPage()} />}
        {hasNextPage && !isFetchingNextPage && (
          <Button variant="ghost" onClick={() => void fetchNextPage()}>
            Load more
          </Button>
        )}
      </div>
    </section>
  );
}
