/** Keys whose values never reach a log line, whatever object they appear in. */
const SECRET_KEY =
  /pass(word|wd|phrase)?|secret|token|authorization|cookie|^otp$|totp|recovery.?codes?|api.?key|encryption.?key|credential/i;
/** `scheme://user:password@host` in any string: the password part is masked. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@/?#\s]+)(@)/gi;
/** A JWT anywhere in a string. */
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g;
/** `password=...`, `secret: ...` and the like in free text. */
const ASSIGNMENT = /\b((?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key)\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;]+)/gi;
/** `Bearer <anything>` in free text. */
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;

export const REDACTED = '[REDACTED]';
const MAX_DEPTH = 8;

export function redactString(value: string): string {
  return value
    .replace(URL_PASSWORD, `$1${REDACTED}$3`)
    .replace(JWT, REDACTED)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(ASSIGNMENT, `$1${REDACTED}`);
}

/**
 * Returns a copy of `value` with secrets masked: values under secret-looking keys, passwords inside
 * connection URLs, JWTs and bearer tokens in any string. Applied to every log line.
 */
export function redactSecrets<T>(value: T, depth = 0, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return redactString(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return '[…]' as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1, seen)) as T;
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  const source =
    value instanceof Error
      ? { ...value, type: value.name, message: value.message, stack: value.stack }
      : (value as Record<string, unknown>);
  for (const [key, v] of Object.entries(source)) {
    out[key] =
      SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redactSecrets(v, depth + 1, seen);
  }
  return out as T;
}
