import { DomainException } from '@helpdeskly/errors';

export enum CommentsErrorCode {
  TicketClosed = 'ticket_closed',
  RequesterCommentInternal = 'requester_comment_internal',
}

const COMMENTS_ERRORS: Readonly<Record<CommentsErrorCode, { status: number; title: string }>> = {
  [CommentsErrorCode.TicketClosed]: { status: 409, title: 'The ticket is closed' },
  [CommentsErrorCode.RequesterCommentInternal]: {
    status: 422,
    title: 'A reply from the requester cannot be an internal note',
  },
};

/** Errors of comments, rendered as problem details by the global filter. */
export class CommentsException extends DomainException<CommentsErrorCode> {
  constructor(
    readonly code: CommentsErrorCode,
    detail?: string,
  ) {
    super(COMMENTS_ERRORS, code, detail);
  }
}
