import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorAlert } from '../../components/alert';
import { SelectField } from '../../components/field';
import { meQuery, useAuth, useSession } from './auth-context';

/** The current tenant, and a select to move to another when the user has several memberships. */
export function TenantSwitcher() {
  const session = useSession();
  const { switchTo } = useAuth();
  const me = useQuery(meQuery());
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const memberships = (me.data?.memberships ?? []).filter((m) => m.tenant.status === 'ACTIVE');

  if (memberships.length < 2)
    return (
      <div className="tenant-current">
        <span className="tenant-name">{session.tenant.name}</span>
        <span className="muted">{session.tenant.slug}</span>
      </div>
    );
  return (
    <div className="tenant-switcher">
      <SelectField
        label="Helpdesk"
        value={session.tenant.slug}
        disabled={busy}
        onChange={async (event) => {
          setBusy(true);
          setError(undefined);
          try {
            await switchTo(event.target.value);
          } catch (caught) {
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        {memberships.map((m) => (
          <option key={m.tenant.slug} value={m.tenant.slug}>
            {m.tenant.name}
          </option>
        ))}
      </SelectField>
      {error !== undefined && <ErrorAlert error={error} />}
    </div>
  );
}
