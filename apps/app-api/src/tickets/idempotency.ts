import { createHash } from 'node:crypto';
import { ValidationProblem } from '@helpdeskly/errors';

/** How long a key is remembered (and replayed). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** How long a retry waits for the first request with its key before answering 409. */
export const IDEMPOTENCY_WAIT_MS = 10_000;

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The Idempotency-Key header, or undefined when absent; 400 when malformed. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
    throw new ValidationProblem([
      {
        field: 'headers.idempotency-key',
        code: 'isIdempotencyKey',
        message: 'Idempotency-Key must be 1 to 255 visible ASCII characters',
      },
    ]);
  }
  return header;
}

/** JSON with object keys sorted, so the same body always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 of method, route and (validated) body: a key sent again with another request is refused. */
export function requestHash(method: string, route: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${route}\n${canonicalJson(body)}`)
    .digest('hex');
}
