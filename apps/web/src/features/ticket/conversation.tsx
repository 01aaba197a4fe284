import { formatDateTime } from '../../lib/format';
import type { Ticket } from './ticket-conflict';
import type { Comment } from './ticket-queries';

interface ConversationProps {
  readonly ticket: Ticket;
  readonly comments: readonly Comment[];
  readonly nameOf: (userId: string | null) => string;
}

/**
 * The description and every comment, oldest first. Internal notes look nothing like replies: an
 * amber card, a lock and the words "Internal note, not sent to the customer".
 */
export function Conversation({ ticket, comments, nameOf }: ConversationProps) {
  const requester = ticket.requester.name || ticket.requester.email;
  return (
    <ol className="conversation" aria-label="Conversation">
      <li className="message message-customer" data-kind="description">
        <MessageHeader who={requester} role="Customer" at={ticket.createdAt} />
        <p className="message-body">{ticket.description}</p>
      </li>
      {comments.map((comment) => {
        const internal = comment.visibility === 'INTERNAL';
        const fromCustomer = comment.authorContactId !== null;
        const who = fromCustomer ? requester : nameOf(comment.authorUserId);
        return (
          <li
            key={comment.id}
            className={
              internal ? 'message message-note' : fromCustomer ? 'message message-customer' : 'message message-reply'
            }
            data-visibility={comment.visibility}
          >
            <MessageHeader
              who={who}
              role={
                internal
                  ? 'Internal note, not sent to the customer'
                  : fromCustomer
                    ? 'Customer'
                    : 'Reply to the customer'
              }
              at={comment.createdAt}
              internal={internal}
            />
            <p className="message-body">{comment.body}</p>
          </li>
        );
      })}
    </ol>
  );
}

function MessageHeader({ who, role, at, internal }: { who: string; role: string; at: string; internal?: boolean }) {
  return (
    <header className="message-header">
      <span className="message-author">{who}</span>
      <span className={internal ? 'message-role message-role-note' : 'message-role'}>
        {internal && (
          <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
            <path d="M5 7V5a3 3 0 1 1 6 0v2h1v7H4V7h1Zm1.5 0h3V5a1.5 1.5 0 1 0-3 0v2Z" fill="currentColor" />
          </svg>
        )}
        {role}
      </span>
      <time dateTime={at} className="message-time">
        {formatDateTime(at)}
      </time>
    </header>
  );
}
