import { unwrap } from '@helpdeskly/sdk';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../../components/alert';
import { Button } from '../../components/button';
import { TextArea } from '../../components/field';
import { sdk } from '../../lib/api-client';

type Visibility = 'PUBLIC' | 'INTERNAL';

/** A public reply or an internal note; the mode is stated on the button and the box's colour. */
export function Composer({
  ticketId,
  closed,
  onPosted,
}: {
  ticketId: string;
  closed: boolean;
  onPosted: () => Promise<unknown>;
}) {
  const [visibility, setVisibility] = useState<Visibility>('PUBLIC');
  const [body, setBody] = useState('');
  const post = useMutation({
    mutationFn: (comment: { body: string; visibility: Visibility }) =>
      unwrap(sdk.app.POST('/v1/tickets/{id}/comments', { params: { path: { id: ticketId } }, body: comment })),
    onSuccess: async () => {
      setBody('');
      await onPosted();
    },
  });
  const note = visibility === 'INTERNAL';

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (body.trim()) post.mutate({ body, visibility });
  }

  if (closed) return <p className="muted composer-closed">This ticket is closed: it takes no more replies.</p>;
  return (
    <form className={note ? 'composer composer-note' : 'composer'} onSubmit={onSubmit} aria-label="Reply or note">
      <div className="segmented" role="radiogroup" aria-label="Kind of message">
        {(['PUBLIC', 'INTERNAL'] as const).map((kind) => (
          <label key={kind} className={visibility === kind ? 'segment active' : 'segment'}>
            <input
              type="radio"
              name="visibility"
              value={kind}
              checked={visibility === kind}
              onChange={() => setVisibility(kind)}
            />
            {kind === 'PUBLIC' ? 'Reply to customer' : 'Internal note'}
          </label>
        ))}
      </div>
      <TextArea
        label={note ? 'Internal note' : 'Reply'}
        hideLabel
        hint={
          note
            ? 'Only agents see notes; the customer is never sent this.'
            : 'The customer receives this reply by email.'
        }
        placeholder={note ? 'Write a note for your team…' : 'Write your reply…'}
        rows={5}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) onSubmit(e);
        }}
      />
      {post.isError && <ErrorAlert error={post.error} />}
      <div className="composer-actions">
        <span className="muted small">Ctrl+Enter to send</span>
        <Button type="submit" variant={note ? 'secondary' : 'primary'} busy={post.isPending} disabled={!body.trim()}>
          {note ? 'Add internal note' : 'Send reply'}
        </Button>
      </div>
    </form>
  );
}
