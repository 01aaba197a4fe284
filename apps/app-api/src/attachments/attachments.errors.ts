import { type CodeOf, defineErrors } from '@helpdeskly/errors';
import { StorageUnavailableError } from '@helpdeskly/storage';

const attachments = defineErrors('attachments', {
  AttachmentNotFound: { code: 'attachment_not_found', status: 404, title: 'Attachment not found' },
  StorageUnavailable: { code: 'storage_unavailable', status: 503, title: 'File storage unavailable' },
  NotMultipart: { code: 'multipart_required', status: 415, title: 'multipart/form-data required' },
  NoFile: { code: 'no_file', status: 422, title: 'No file in the request' },
  MalformedMultipart: { code: 'malformed_multipart', status: 400, title: 'Malformed multipart body' },
  EmptyFile: { code: 'empty_file', status: 422, title: 'Empty file' },
  QuotaExceeded: { code: 'storage_quota_exceeded', status: 413, title: "The tenant's file storage is full" },
  UploadNotFound: { code: 'upload_not_found', status: 404, title: 'Upload not found' },
  TooManyAttachments: { code: 'too_many_attachments', status: 422, title: 'Too many files at once' },
  UploadNotUsable: {
    code: 'upload_not_usable',
    status: 422,
    title: 'An upload cannot be attached (unknown, expired, already used or not yours)',
  },
});

export const AttachmentsErrorCode = attachments.codes;
export type AttachmentsErrorCode = CodeOf<typeof AttachmentsErrorCode>;

/** Errors of attachments, rendered as problem details by the global filter. */
export class AttachmentsException extends attachments.Exception {}

/** A store that did not answer as 503 storage_unavailable; any other error as it is. */
export function storageProblem(error: unknown): unknown {
  if (!(error instanceof StorageUnavailableError)) return error;
  return new AttachmentsException(
    AttachmentsErrorCode.StorageUnavailable,
    'The file storage did not answer; retry shortly.',
    {
      cause: error,
    },
  );
}
