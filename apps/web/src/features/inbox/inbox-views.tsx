import { useQuery } from '@tanstack/react-query';
import { NavLink, useLocation } from 'react-router';
import { humanize } from '../../lib/format';
import { filtersToParams, type InboxFilters, NO_FILTERS, parseFilters, sameFilters, STATUSES } from './inbox-filters';
import { countsQuery } from './inbox-queries';

interface View {
  readonly label: string;
  readonly filters: InboxFilters;
  readonly count?: number;
}

/** The sidebar's saved views with their counts (GET /v1/tickets/counts); the current one is marked. */
export function InboxViews() {
  const counts = useQuery(countsQuery());
  const location = useLocation();
  const current = location.pathname === '/' ? parseFilters(new URLSearchParams(location.search)) : undefined;
  const c = counts.data;
  const views: View[] = [
    { label: 'All tickets', filters: NO_FILTERS, count: c?.total },
    { label: 'Mine', filters: { ...NO_FILTERS, assignee: 'me' }, count: c?.mine },
    { label: 'Unassigned', filters: { ...NO_FILTERS, assignee: 'none' }, count: c?.unassigned },
    { label: 'Overdue', filters: { ...NO_FILTERS, overdue: true }, count: c?.overdue },
  ];
  const byStatus: View[] = STATUSES.map((status) => ({
    label: humanize(status),
    filters: { ...NO_FILTERS, status: [status] },
    count: c?.byStatus[status],
  }));
  const link = (view: View) => {
    const search = filtersToParams(view.filters).toString();
    const active = current !== undefined && sameFilters(current, view.filters);
    return (
      <li key={view.label}>
        <NavLink
          to={search ? `/?${search}` : '/'}
          className={active ? 'nav-link active' : 'nav-link'}
          aria-current={active ? 'page' : undefined}
          end
        >
          <span>{view.label}</span>
          {view.count !== undefined && <span className="nav-count">{view.count}</span>}
        </NavLink>
      </li>
    );
  };
  return (
    <nav aria-label="Inbox views" className="nav">
      <ul className="nav-list">{views.map(link)}</ul>
      <h2 className="nav-heading">By status</h2>
      <ul className="nav-list">{byStatus.map(link)}</ul>
      {counts.isError && <p className="nav-error">Counts could not be loaded.</p>}
    </nav>
  );
}
