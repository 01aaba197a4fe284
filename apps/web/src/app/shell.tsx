import { useState } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { Loading } from '../components/alert';
import { Button } from '../components/button';
import { useAuth, useSession } from '../features/auth/auth-context';
import { LoginPage } from '../features/auth/login-page';
import { TenantSwitcher } from '../features/auth/tenant-switcher';
import { InboxViews } from '../features/inbox/inbox-views';
import { humanize } from '../lib/format';

/** The login page until there is a session, then the sidebar and the page of the route. */
export function Root() {
  const { session, resuming } = useAuth();
  if (session) return <Shell />;
  return resuming ? <Loading label="Opening your helpdesk…" /> : <LoginPage />;
}

function Shell() {
  const session = useSession();
  const { signOut } = useAuth();
  const [leaving, setLeaving] = useState(false);
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            H
          </span>
          Helpdeskly
        </Link>
        <TenantSwitcher />
        <Link to="/tickets/new" className="btn btn-primary new-ticket">
          New ticket
        </Link>
        <InboxViews />
        <WorkspaceLinks />
        <div className="sidebar-footer">
          <div className="user">
            <span className="user-name">{session.user.name}</span>
            <span className="muted small">
              {session.user.email} · {humanize(session.role)}
            </span>
          </div>
          <Button
            variant="ghost"
            busy={leaving}
            onClick={async () => {
              setLeaving(true);
              await signOut().catch(() => undefined);
            }}
          >
            Log out
          </Button>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

/** The pages beside the inbox; settings only for the roles that may change them. */
function WorkspaceLinks() {
  const session = useSession();
  const admin = session.role === 'OWNER' || session.role === 'ADMIN';
  const links = [
    { to: '/contacts', label: 'Contacts' },
    ...(admin ? [{ to: '/settings', label: 'Settings' }] : []),
    { to: '/account', label: 'My account' },
  ];
  return (
    <nav aria-label="Workspace" className="nav">
      <h2 className="nav-heading">Workspace</h2>
      <ul className="nav-list">
        {links.map((link) => (
          <li key={link.to}>
            <NavLink to={link.to} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
              {link.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
