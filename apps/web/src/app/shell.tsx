import { useState } from 'react';
import { Link, Outlet } from 'react-router';
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
        <InboxViews />
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
