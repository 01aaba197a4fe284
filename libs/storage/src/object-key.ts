import { InvalidObjectKeyError } from './storage.errors';

/** S3's own limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

// C0 and C1 control characters and DEL: invisible in logs and listings, and meaningless in a path.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Throws {@link InvalidObjectKeyError} unless `key` is a key every driver stores under the same
 * name: 1 to 1024 UTF-8 bytes, `/`-separated segments that are neither empty nor `.` or `..`
 * (so no leading or trailing `/`), no control character, no backslash (a separator on some disks).
 */
export function assertObjectKey(key: string): void {
  const reason = problemOf(key);
  if (reason) throw new InvalidObjectKeyError(key, reason);
}

/**
 * A prefix of {@link ObjectStorage.list} and `deletePrefix`: a valid key followed by `/`. The slash
 * is required so that `tenants/1` can never reach `tenants/10/...`, and the empty prefix (the
 * whole store) is refused.
 */
export function assertObjectPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || !prefix.endsWith('/'))
    throw new InvalidObjectKeyError(prefix, 'a prefix must end with "/"');
  const reason = problemOf(prefix.slice(0, -1));
  if (reason) throw new InvalidObjectKeyError(prefix, reason);
}

/** `tenants/<tenantId>/`: where everything of one tenant lives (docs/storage.md). */
export function tenantPrefix(tenantId: string): string {
  if (typeof tenantId !== 'string' || tenantId.includes('/') || problemOf(tenantId))
    throw new InvalidObjectKeyError(String(tenantId), 'a tenant id must be one valid key segment');
  return `tenants/${tenantId}/`;
}

/** `tenants/<tenantId>/tickets/<ticketId>/`: a ticket's files (attachments), deleted with it when the trash is purged. */
export function ticketPrefix(tenantId: string, ticketId: string): string {
  return `${tenantKey(tenantId, 'tickets', ticketId)}/`;
}

/** `tenants/<tenantId>/<path...>`, validated. */
export function tenantKey(tenantId: string, ...path: string[]): string {
  const key = `${tenantPrefix(tenantId)}${path.join('/')}`;
  assertObjectKey(key);
  return key;
}

function problemOf(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'a key must be a non-empty string';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} UTF-8 bytes`;
  if (Buffer.from(key, 'utf8').toString('utf8') !== key) return 'not valid Unicode (a lone surrogate)';
  if (CONTROL.test(key)) return 'contains a control character';
  if (key.includes('\\')) return 'contains a backslash';
  if (key.startsWith('/')) return 'starts with "/"';
  for (const segment of key.split('/')) {
    if (segment === '') return 'has an empty segment ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
  }
  return undefined;
}
