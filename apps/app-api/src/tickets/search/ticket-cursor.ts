import { isUuid, TicketPriority } from '@helpdeskly/database';
import { ValidationProblem } from '@helpdeskly/errors';

/** What a list is ordered by: a column, or the full-text rank when searching without a sort. */
export type TicketSortKey = 'created' | 'updated' | 'priority' | 'due' | 'relevance';
export type SortDirection = 'asc' | 'desc';

/** The sort key's value of the last row of a page: an ISO instant, a priority, a rank, or null (no due time). */
export type CursorValue = string | number | null;

/** Position after which the next page starts: the (sort value, id) of the previous page's last row. */
export interface TicketCursor {
  readonly key: TicketSortKey;
  readonly direction: SortDirection;
  readonly value: CursorValue;
  readonly id: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PRIORITIES: readonly string[] = Object.values(TicketPriority);

/** Opaque to clients: base64url of a small JSON array [key, direction, value, id]. */
export function encodeTicketCursor(cursor: TicketCursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.direction, cursor.value, cursor.id]), 'utf8').toString(
    'base64url',
  );
}

const invalid = (message: string) => new ValidationProblem([{ field: 'query.cursor', code: 'invalidCursor', message }]);

/**
 * Reads a cursor made by {@link encodeTicketCursor} for the same sort. Anything else (tampered,
 * truncated, or from a list with another sort) is a 400, never a query with a bad value.
 */
export function decodeTicketCursor(raw: string, key: TicketSortKey, direction: SortDirection): TicketCursor {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(raw)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor must be the nextCursor of a previous page');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw invalid('cursor must be the nextCursor of a previous page');
  const [k, d, value, id] = parsed as unknown[];
  if (k !== key || d !== direction) throw invalid('cursor belongs to a list with another sort');
  if (typeof id !== 'string' || !isUuid(id) || !valueFits(key, value))
    throw invalid('cursor must be the nextCursor of a previous page');
  return { key, direction, value: value as CursorValue, id };
}

function valueFits(key: TicketSortKey, value: unknown): boolean {
  switch (key) {
    case 'created':
    case 'updated':
      return typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value));
    case 'due':
      return (
        value === null || (typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)))
      );
    case 'priority':
      return typeof value === 'string' && PRIORITIES.includes(value);
    case 'relevance':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0;
  }
}
