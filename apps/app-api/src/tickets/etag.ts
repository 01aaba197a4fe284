import { TicketsErrorCode, TicketsException } from './tickets.errors';

/** The weak ETag of a ticket at `version`. */
export const etagOf = (version: number) => `W/"${version}"`;

const ENTITY_TAG = /^(?:W\/)?"(\d{1,10})"$/;

/**
 * The version an update is conditional on, from `If-Match` (`W/"3"` or `"3"`; of a list, the
 * first). A missing header, or `*`, is 428 `precondition_required`: every change must say which
 * version it was made on.
 */
export function parseIfMatch(header: string | undefined): number {
  if (header === undefined || header.trim() === '' || header.trim() === '*') {
    throw new TicketsException(
      TicketsErrorCode.PreconditionRequired,
      'Send If-Match with the ETag of the ticket you changed (W/"<version>").',
    );
  }
  const versions = header
    .split(',')
    .map((tag) => ENTITY_TAG.exec(tag.trim())?.[1])
    .filter((v): v is string => v !== undefined);
  if (versions.length === 0)
    throw new TicketsException(TicketsErrorCode.VersionMismatch, 'If-Match holds no ETag of this API (W/"<version>").');
  return Number(versions[0]);
}

/** 412 `version_mismatch`, naming the current version and ETag. */
export function versionMismatch(currentVersion: number): TicketsException {
  return new TicketsException(
    TicketsErrorCode.VersionMismatch,
    `The ticket is at version ${currentVersion}; read it again and reapply your change.`,
    {
      extensions: { currentVersion },
      headers: { etag: etagOf(currentVersion) },
    },
  );
}
