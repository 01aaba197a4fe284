import { Injectable } from '@nestjs/common';
import type { IdempotencyKey, TenantPrisma } from '@helpdeskly/database';

type Tx = TenantPrisma.TransactionClient;

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
  async claim(tx: Tx, data: { userId: string; key: string; requestHash: string; expiresAt: Date }, waitMs: number): Promise<IdempotencyKey | null> {
    await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${Math.max(1, Math.trunc(waitMs))}`);
    const claimed = await tx.$queryRaw<unknown[]>`
      INSERT INTO idempotency_keys (user_id, key, request_hash, created_at, expires_at)
      VALUES (${data.userId}::uuid, ${data.key}, ${data.requestHash}, now(), ${data.expiresAt})
      ON CONFLICT (user_id, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
        WHERE idempotency_keys.expires_at <= now()
      RETURNING user_id`;
    if (claimed.length === 1) return null;
    return tx.idempotencyKey.findUniqueOrThrow({ where: { userId_key: { userId: data.userId, key: data.key } } });
  }

  /** Stores the answer to replay (its JSON text), in the transaction of the work. */
  async complete(tx: Tx, userId: string, key: string, responseStatus: number, responseBody: string): Promise<void> {
    await tx.idempotencyKey.update({ where: { userId_key: { userId, key } }, data: { responseStatus, responseBody } });
  }
}

/** True for PostgreSQL's lock_not_available, however the driver adapter wraps it. */
export function isLockTimeout(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (!e || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (o.code === '55P03' || o.originalCode === '55P03' || (typeof o.message === 'string' && o.message.includes('55P03'))) return true;
    return visit(o.cause) || visit(o.meta);
  };
  return visit(error);
}
