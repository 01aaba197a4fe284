import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const attachments = defineErrors('attachments', {
  AttachmentNotFound: { code: 'attachment_not_found', status: 404, title: 'Attachment not found' },
  StorageUnavailable: { code: 'storage_unavailable', status: 503, title: 'File storage unavailable' },
});

export const AttachmentsErrorCode = attachments.codes;
export type AttachmentsErrorCode = CodeOf<typeof AttachmentsErrorCode>;

/** Errors of attachments, rendered as problem details by the global filter. */
export class AttachmentsException extends attachments.Exception {}
