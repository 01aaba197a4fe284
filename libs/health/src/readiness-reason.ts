import { databaseOutage } from '@helpdeskly/errors';

/**
 * A short, stable reason for a failed readiness check, for an unauthenticated answer: never the
 * driver's message (hosts, users, database names), which goes to the log only.
 */
export type ReadinessReason =
  'timeout' | 'unreachable' | 'auth_failed' | 'too_many_connections' | 'shutting_down' | 'error';

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  'P1001',
  'P1002',
  'P1017',
]);
const AUTH = new Set(['28P01', '28000', 'P1000', 'NOAUTH', 'WRONGPASS']);
const SHUTTING_DOWN = new Set(['57P01', '57P02', '57P03']);

export class ReadinessTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * Walks the error and its causes (Prisma and pg wrap the driver's error) for a known code. A
 * database or PgBouncer that is busy or gone is recognised as the error filter recognises it
 * ({@link databaseOutage}); the rest covers what only a probe meets: its own timeout, a refused
 * login, Redis, and Prisma's connection codes.
 */
export function readinessReason(error: unknown): ReadinessReason {
  if (error instanceof ReadinessTimeout) return 'timeout';
  const outage = databaseOutage(error);
  if (outage === 'busy') return 'too_many_connections';
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ReadinessTimeout) return 'timeout';
    const code = String((e as { code?: unknown }).code ?? (e as { errorCode?: unknown }).errorCode ?? '');
    const message = String((e as { message?: unknown }).message ?? '');
    if (
      UNREACHABLE.has(code) ||
      /Connection is closed|connect ECONNREFUSED|Can't reach database server|does not answer|Stream isn't writeable|enableOfflineQueue|Reached the max retries/i.test(
        message,
      )
    )
      return 'unreachable';
    if (AUTH.has(code) || /^(NOAUTH|WRONGPASS)/.test(message)) return 'auth_failed';
    if (code === '53300') return 'too_many_connections';
    if (SHUTTING_DOWN.has(code)) return 'shutting_down';
    if (code === 'ETIMEDOUT' || code === 'P1008' || /timeout|timed out/i.test(message)) return 'timeout';
  }
  return outage === 'unavailable' ? 'unreachable' : 'error';
}
