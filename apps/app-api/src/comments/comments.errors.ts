import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const comments = defineErrors('comments', {
  TicketClosed: { code: 'ticket_closed', status: 409, title: 'The ticket is closed' },
  RequesterCommentInternal: {
    code: 'requester_comment_internal',
    status: 422,
    title: 'A reply from the requester cannot be an internal note',
  },
});

export const CommentsErrorCode = comments.codes;
export type CommentsErrorCode = CodeOf<typeof CommentsErrorCode>;

/** Errors of comments, rendered as problem details by the global filter. */
export class CommentsException extends comments.Exception {}
