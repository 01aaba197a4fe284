import { unwrap } from '@helpdeskly/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorAlert, Notice } from '../../components/alert';
import { Button } from '../../components/button';
import { SelectField, TextField } from '../../components/field';
import { sdk } from '../../lib/api-client';
import { isConflict } from '../../lib/error-message';
import { humanize } from '../../lib/format';
import { conflictMessage, type Ticket } from './ticket-conflict';
import { ticketQuery } from './ticket-queries';
import { statusChoices } from './ticket-status';

type Changes = { status?: Ticket['status']; priority?: Ticket['priority']; assigneeId?: string | null };
const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;

interface PropertiesProps {
  readonly ticket: Ticket;
  readonly members: readonly { userId: string; name: string }[];
  readonly nameOf: (userId: string | null) => string;
  readonly onChanged: () => Promise<unknown>;
}

/**
 * Status, priority, assignee and tags. Each change is a PATCH with If-Match (the ETag of the
 * version shown); a 412 reloads the ticket and says what someone else changed.
 */
export function TicketProperties({ ticket, members, nameOf, onChanged }: PropertiesProps) {
  const queryClient = useQueryClient();
  const [conflict, setConflict] = useState<string>();
  const [tag, setTag] = useState('');
  const path = `/v1/tickets/${ticket.id}`;

  const update = useMutation({
    mutationFn: (changes: Changes) =>
      unwrap(
        sdk.app.PATCH('/v1/tickets/{id}', {
          params: { path: { id: ticket.id }, header: sdk.ifMatch(path) },
          body: changes,
        }),
      ),
    onMutate: () => setConflict(undefined),
    onSuccess: async (updated) => {
      queryClient.setQueryData(ticketQuery(ticket.id).queryKey, updated);
      await onChanged();
    },
    onError: async (error) => {
      if (!isConflict(error)) return;
      const seen = ticket;
      const current = await queryClient.fetchQuery({ ...ticketQuery(ticket.id), staleTime: 0 }).catch(() => undefined);
      setConflict(conflictMessage(seen, current, nameOf));
    },
  });

  // Tags bump the version too: the ticket is read again so the next PATCH has the current ETag.
  const tags = useMutation({
    mutationFn: async (change: { add?: string; remove?: string }) => {
      if (change.add)
        await sdk.app.POST('/v1/tickets/{id}/tags', {
          params: { path: { id: ticket.id } },
          body: { tags: [change.add] },
        });
      if (change.remove)
        await sdk.app.DELETE('/v1/tickets/{id}/tags/{tag}', {
          params: { path: { id: ticket.id, tag: change.remove } },
        });
    },
    onMutate: () => setConflict(undefined),
    onSuccess: async () => {
      setTag('');
      await queryClient.fetchQuery({ ...ticketQuery(ticket.id), staleTime: 0 });
      await onChanged();
    },
  });

  const busy = update.isPending || tags.isPending;
  const closed = ticket.status === 'CLOSED';
  const addTag = (event: FormEvent) => {
    event.preventDefault();
    if (tag.trim()) tags.mutate({ add: tag.trim() });
  };

  return (
    <aside className="properties" aria-label="Ticket properties">
      {conflict && (
        <Notice tone="warning">
          <p>{conflict}</p>
        </Notice>
      )}
      {update.isError && !isConflict(update.error) && <ErrorAlert error={update.error} />}
      <SelectField
        label="Status"
        value={ticket.status}
        disabled={busy || closed}
        onChange={(e) => update.mutate({ status: e.target.value as Ticket['status'] })}
      >
        {statusChoices(ticket.status).map((s) => (
          <option key={s} value={s}>
            {humanize(s)}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Priority"
        value={ticket.priority}
        disabled={busy || closed}
        onChange={(e) => update.mutate({ priority: e.target.value as Ticket['priority'] })}
      >
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {humanize(p)}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Assignee"
        value={ticket.assigneeId ?? ''}
        disabled={busy || closed}
        onChange={(e) => update.mutate({ assigneeId: e.target.value || null })}
      >
        <option value="">Unassigned</option>
        {ticket.assigneeId && !members.some((m) => m.userId === ticket.assigneeId) && (
          <option value={ticket.assigneeId}>{nameOf(ticket.assigneeId)}</option>
        )}
        {members.map((m) => (
          <option key={m.userId} value={m.userId}>
            {m.name}
          </option>
        ))}
      </SelectField>

      <div className="field">
        <span className="field-label" id="tags-label">
          Tags
        </span>
        <ul className="tag-list" aria-labelledby="tags-label">
          {ticket.tags.length === 0 && <li className="muted small">No tags</li>}
          {ticket.tags.map((name) => (
            <li key={name} className="tag tag-removable">
              {name}
              <button
                type="button"
                className="tag-remove"
                aria-label={`Remove tag ${name}`}
                disabled={busy || closed}
                onClick={() => tags.mutate({ remove: name })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        {!closed && (
          <form className="tag-add" onSubmit={addTag}>
            <TextField
              label="Add a tag"
              hideLabel
              placeholder="Add a tag"
              value={tag}
              onChange={(e) => setTag(e.target.value)}
            />
            <Button type="submit" busy={tags.isPending} disabled={!tag.trim()}>
              Add
            </Button>
          </form>
        )}
        {tags.isError && <ErrorAlert error={tags.error} />}
      </div>
    </aside>
  );
}
