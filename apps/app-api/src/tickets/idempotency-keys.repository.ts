import { Injectable } from '@nestjs/common';
import { sqltag as sql } from '@prisma/client/runtime/client';
import type { SqlSession } from '@helpdeskly/tenant-data';

/** The key of an earlier request: what it asked (hashed) and, once it finished, what it answered. */
export interface EarlierRequest {
  readonly requestHash: string;
  /** Null while the first request is still running. */
  readonly responseStatus: number | null;
  /** The answer's JSON text. */
  readonly responseBody: string | null;
}

/**
 * Idempotency keys, used as a lock: the first request inserts the key in the transaction that does
 * the work, so a concurrent retry's insert waits on it (the unique index) and then sees the
 * completed answer, or takes the key over when the first transaction rolled back.
 */
@Injectable()
export class IdempotencyKeysRepository {
  /**
   * Claims `key` for `userId` inside `tx` (an expired key is taken over). Returns null when
   * claimed, or the existing key of an earlier request. Waits at most `waitMs` for a request
   * holding the key: PostgreSQL then fails with lock_not_available (55P03).
   */
  async claim(
    tx: SqlSession,
    data: { userId: string; key: string; requestHash: string; expiresAt: Date },
    waitMs: number,
  ): Promise<EarlierRequest | null> {
    // SET LOCAL, with the value as a bind parameter.
    await tx.query(
      sql`SELECT set_config('lock_timeout', ${`${Math.max(1, Math.trunc(waitMs))}ms`}, true)`,
      'idempotencyLockTimeout',
    );
    const claimed = await tx.query(
      sql`
        INSERT INTO idempotency_keys (user_id, key, request_hash, created_at, expires_at)
        VALUES (${data.userId}::uuid, ${data.key}, ${data.requestHash}, now(), ${data.expiresAt}::timestamptz)
        ON CONFLICT (user_id, key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
          WHERE idempotency_keys.expires_at <= now()
        RETURNING user_id`,
      'idempotencyClaim',
    );
    if (claimed.length === 1) return null;
    // The body is stored as a JSON string (the answer's exact text): #>> '{}' reads it back as text.
    const [earlier] = await tx.query<{
      request_hash: string;
      response_status: number | null;
      response_body: string | null;
    }>(
      sql`SELECT request_hash, response_status, response_body #>> '{}' AS response_body FROM idempotency_keys WHERE user_id = ${data.userId}::uuid AND key = ${data.key}`,
      'idempotencyRead',
    );
    return {
      requestHash: earlier.request_hash,
      responseStatus: earlier.response_status,
      responseBody: earlier.response_body,
    };
  }

  /** Stores the answer to replay (its JSON text, kept as a JSON string: jsonb would reorder its keys), in the transaction of the work. */
  async complete(
    tx: SqlSession,
    userId: string,
    key: string,
    responseStatus: number,
    responseBody: string,
  ): Promise<void> {
    await tx.query(
      sql`UPDATE idempotency_keys SET response_status = ${responseStatus}, response_body = to_jsonb(${responseBody}::text) WHERE user_id = ${userId}::uuid AND key = ${key}`,
      'idempotencyComplete',
    );
  }
}

/** True for PostgreSQL's lock_not_available, however the driver adapter wraps it. */
export function isLockTimeout(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (!e || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (
      o.code === '55P03' ||
      o.originalCode === '55P03' ||
      (typeof o.message === 'string' && o.message.includes('55P03'))
    )
      return true;
    return visit(o.cause) || visit(o.meta);
  };
  return visit(error);
}
