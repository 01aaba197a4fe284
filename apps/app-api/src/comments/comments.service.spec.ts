import { describe, it } from 'node:test';
import { expect } from 'expect';
import { type Comment, CommentFormat, CommentVisibility, TicketStatus } from '@helpdeskly/database';
import type { TicketNotifications } from '../notifications/ticket-notifications.service';
import type { TenantContext } from '../tenancy/tenant-context';
import type { TicketEventInput, TicketEventsRepository } from '../tickets/ticket-events.repository';
import { unitConfig } from '@helpdeskly/testing';
import { AttachmentsErrorCode, type AttachmentsException } from '../attachments/attachments.errors';
import type { UploadClaim, UploadsRepository } from '../attachments/uploads.repository';
import { CommentsErrorCode, CommentsException } from './comments.errors';
import type { CommentsRepository, LockedTicket, NewComment, TicketChangesOfComment } from './comments.repository';
import { CommentsService } from './comments.service';

const TICKET = '11111111-1111-4111-8111-111111111111';
const REQUESTER = '22222222-2222-4222-8222-222222222222';
const tenant: TenantContext = {
  tenantId: 't',
  slug: 's',
  name: 'Tenant',
  userId: '33333333-3333-4333-8333-333333333333',
  role: 'AGENT',
  settings: {},
};
const createdAt = new Date('2026-11-25T12:00:00.000Z');

const UPLOAD_A = '44444444-4444-4444-8444-444444444444';
const UPLOAD_B = '55555555-5555-4555-8555-555555555555';
const OTHERS = '66666666-6666-4666-8666-666666666666';

/**
 * CommentsService over in-memory repositories: what it writes for a ticket in a given state. The
 * transaction keeps what was written only when its function succeeds; `pending` are the uploads
 * there are, by id, with their uploader.
 */
function setup(ticket: Partial<LockedTicket> | null, pending: Record<string, string> = {}) {
  const written = {
    comments: [] as NewComment[],
    changes: [] as TicketChangesOfComment[],
    events: [] as TicketEventInput[],
  };
  const comments = {
    transaction: async (fn: (tx: unknown) => Promise<unknown>) => {
      const before = {
        ...written,
        comments: [...written.comments],
        changes: [...written.changes],
        events: [...written.events],
      };
      try {
        return await fn({});
      } catch (error) {
        Object.assign(written, before);
        throw error;
      }
    },
    lockTicket: async () =>
      ticket
        ? {
            id: TICKET,
            status: TicketStatus.OPEN,
            requesterId: REQUESTER,
            firstRespondedAt: null,
            solvedAt: null,
            ...ticket,
          }
        : null,
    insert: async (_tx: unknown, c: NewComment) => {
      written.comments.push(c);
      return { ...c, id: 'c-1', createdAt } as Comment;
    },
    touchTicket: async (_tx: unknown, _id: string, changes: TicketChangesOfComment) =>
      void written.changes.push(changes),
  } as unknown as CommentsRepository;
  const events = {
    recordMany: async (_tx: unknown, e: TicketEventInput[]) => void written.events.push(...e),
  } as unknown as TicketEventsRepository;
  // Which emails a comment causes is TicketNotifications' (notifications.e2e-spec.ts); none here.
  const notifications = {
    commentAdded: async () => [],
    dispatch: async () => undefined,
  } as unknown as TicketNotifications;
  const uploads = {
    claim: async (_tx: unknown, claim: UploadClaim) =>
      claim.ids
        .filter((id) => pending[id] === claim.userId)
        .map((id) => ({ id, filename: `${id}.txt`, contentType: 'text/plain', size: 1, commentId: claim.commentId })),
  } as unknown as UploadsRepository;
  const config = unitConfig({ ATTACHMENT_MAX_FILES: '3' });
  return { sut: new CommentsService(comments, events, notifications, uploads, config), written };
}

const reply = (
  over: Partial<{ visibility: CommentVisibility; asRequester: boolean; attachmentIds: string[] }> = {},
) => ({
  body: 'b',
  visibility: CommentVisibility.PUBLIC,
  format: CommentFormat.TEXT,
  asRequester: false,
  ...over,
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as CommentsException).problem?.code;
  }
}

describe(CommentsService.name, () => {
  it('sets the first response on the first public agent reply only', async () => {
    const first = setup({});
    await first.sut.create(tenant, TICKET, reply());
    expect(first.written.changes).toEqual([{ firstRespondedAt: createdAt }]);
    expect(first.written.events.map((e) => e.field)).toEqual(['comment', 'firstRespondedAt']);

    const later = setup({ firstRespondedAt: new Date('2026-01-01T00:00:00Z') });
    await later.sut.create(tenant, TICKET, reply());
    expect(later.written.changes).toEqual([{}]);
  });

  it('changes nothing but the version for an internal note', async () => {
    for (const status of [TicketStatus.NEW, TicketStatus.PENDING, TicketStatus.SOLVED]) {
      const { sut, written } = setup({ status });
      await sut.create(tenant, TICKET, reply({ visibility: CommentVisibility.INTERNAL }));
      expect(written.changes).toEqual([{}]);
      expect(written.comments[0]).toMatchObject({ authorUserId: tenant.userId, authorContactId: null });
    }
  });

  it('reopens a PENDING or SOLVED ticket on a requester reply, and leaves other statuses alone', async () => {
    const solved = setup({ status: TicketStatus.SOLVED, solvedAt: createdAt });
    await solved.sut.create(tenant, TICKET, reply({ asRequester: true }));
    expect(solved.written.comments[0]).toMatchObject({ authorUserId: null, authorContactId: REQUESTER });
    expect(solved.written.changes).toEqual([{ status: TicketStatus.OPEN, solvedAt: null }]);
    expect(solved.written.events.find((e) => e.field === 'status')).toMatchObject({
      fromValue: 'SOLVED',
      toValue: 'OPEN',
      actorUserId: tenant.userId,
      actorContactId: REQUESTER,
    });

    const pending = setup({ status: TicketStatus.PENDING });
    await pending.sut.create(tenant, TICKET, reply({ asRequester: true }));
    expect(pending.written.changes).toEqual([{ status: TicketStatus.OPEN }]);

    for (const status of [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.ON_HOLD]) {
      const other = setup({ status });
      await other.sut.create(tenant, TICKET, reply({ asRequester: true }));
      expect(other.written.changes).toEqual([{}]);
    }
  });

  it('refuses a closed ticket, a missing one, and an internal note from the requester, writing nothing', async () => {
    const closed = setup({ status: TicketStatus.CLOSED });
    expect(await codeOf(closed.sut.create(tenant, TICKET, reply()))).toBe(CommentsErrorCode.TicketClosed);
    expect(closed.written).toEqual({ comments: [], changes: [], events: [] });
    expect(await codeOf(setup(null).sut.create(tenant, TICKET, reply()))).toBe('ticket_not_found');
    expect(
      await codeOf(
        setup({}).sut.create(tenant, TICKET, reply({ asRequester: true, visibility: CommentVisibility.INTERNAL })),
      ),
    ).toBe(CommentsErrorCode.RequesterCommentInternal);
  });

  it("attaches the member's pending uploads in the order given, and lists them on the comment", async () => {
    const { sut } = setup({}, { [UPLOAD_A]: tenant.userId, [UPLOAD_B]: tenant.userId });
    const comment = await sut.create(tenant, TICKET, reply({ attachmentIds: [UPLOAD_B, UPLOAD_A] }));
    expect(comment.attachments).toEqual([
      {
        id: UPLOAD_B,
        filename: `${UPLOAD_B}.txt`,
        contentType: 'text/plain',
        size: 1,
        downloadUrl: `/v1/attachments/${UPLOAD_B}/content`,
      },
      {
        id: UPLOAD_A,
        filename: `${UPLOAD_A}.txt`,
        contentType: 'text/plain',
        size: 1,
        downloadUrl: `/v1/attachments/${UPLOAD_A}/content`,
      },
    ]);
  });

  it("writes no comment when one upload is unknown or another member's, and names those", async () => {
    const { sut, written } = setup({}, { [UPLOAD_A]: tenant.userId, [OTHERS]: 'someone-else' });
    const error = await sut
      .create(tenant, TICKET, reply({ attachmentIds: [UPLOAD_A, OTHERS, UPLOAD_B] }))
      .catch((e: AttachmentsException) => e);
    expect((error as AttachmentsException).problem).toMatchObject({
      code: AttachmentsErrorCode.UploadNotUsable,
      extensions: { uploadIds: [OTHERS, UPLOAD_B] },
    });
    expect(written).toEqual({ comments: [], changes: [], events: [] });
  });

  it('refuses more files than ATTACHMENT_MAX_FILES before writing anything', async () => {
    const { sut, written } = setup({});
    expect(
      await codeOf(sut.create(tenant, TICKET, reply({ attachmentIds: [UPLOAD_A, UPLOAD_B, OTHERS, TICKET] }))),
    ).toBe(AttachmentsErrorCode.TooManyAttachments);
    expect(written.comments).toEqual([]);
  });
});
