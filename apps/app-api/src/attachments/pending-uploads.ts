import type { Attachment } from '@helpdeskly/database';
import { AttachmentsErrorCode, AttachmentsException } from './attachments.errors';

/** 422 too_many_attachments past ATTACHMENT_MAX_FILES, before anything is written. */
export function assertAttachable(ids: readonly string[] | undefined, maxFiles: number): void {
  if ((ids?.length ?? 0) > maxFiles)
    throw new AttachmentsException(
      AttachmentsErrorCode.TooManyAttachments,
      `At most ${maxFiles} files at once (ATTACHMENT_MAX_FILES).`,
    );
}

/**
 * The attachments a claim of `ids` made, in the order of `ids`; 422 upload_not_usable naming the
 * ids it could not take (unknown, expired, already attached or another member's), thrown inside
 * the caller's transaction so that nothing of the request is written.
 */
export function claimedInOrder(ids: readonly string[], claimed: readonly Attachment[]): Attachment[] {
  const byId = new Map(claimed.map((a) => [a.id, a]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0)
    throw new AttachmentsException(
      AttachmentsErrorCode.UploadNotUsable,
      `No pending upload of yours with id ${missing.join(', ')}: unknown, expired, already attached or another member's. Upload the file again (POST /v1/uploads).`,
      { extensions: { uploadIds: missing } },
    );
  return ids.map((id) => byId.get(id)!);
}
