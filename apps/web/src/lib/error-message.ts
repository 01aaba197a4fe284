import { HttpError, NetworkError, ProblemError } from '@helpdeskly/sdk';

/**
 * What went wrong, in words a person reads: the problem's `detail` (or its field messages),
 * never a JSON dump. Requests ids are kept so that support can find the log line.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ProblemError) {
    const fields = Object.values(error.fields).flat();
    if (fields.length > 0) return fields.join(' ');
    return error.detail ?? error.title;
  }
  if (error instanceof NetworkError) return 'The server could not be reached. Check your connection and try again.';
  if (error instanceof HttpError)
    return error.status >= 500
      ? 'The server had a problem answering. Try again in a moment.'
      : `The request was refused (HTTP ${error.status}).`;
  return 'Something went wrong. Reload the page and try again.';
}

/** The id to quote to support, when the API gave one. */
export function requestIdOf(error: unknown): string | undefined {
  return error instanceof ProblemError && error.requestId ? error.requestId : undefined;
}

/** True when a conditional update lost to someone else's change (412 version_mismatch). */
export function isConflict(error: unknown): boolean {
  return error instanceof ProblemError && error.status === 412;
}
