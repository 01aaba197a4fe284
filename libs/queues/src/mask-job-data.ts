import { REDACTED, redactSecrets } from '@helpdeskly/logging';

/** Keys whose values a job shows to no one: emailed links carry one-time tokens. */
const SECRET_JOB_KEY = /link|url|token|pass(word|wd)?|secret/i;
const MAX_DEPTH = 8;

/** A job's data as platform admins may read it: links, tokens, passwords and secrets masked. */
export function maskJobData(data: unknown, depth = 0): unknown {
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(data)) return data.map((item) => maskJobData(item, depth + 1));
  if (data === null || typeof data !== 'object') return redactSecrets(data);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    out[key] =
      SECRET_JOB_KEY.test(key) && value !== undefined && value !== null && value !== ''
        ? REDACTED
        : maskJobData(value, depth + 1);
  }
  return out;
}
