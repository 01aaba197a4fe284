import { Injectable } from '@nestjs/common';
import { sqltag as sql } from '@prisma/client/runtime/client';
import type { TenantPrisma } from '@helpdeskly/database';
import { type TenantClient, type SqlSession, TenantDatabase } from '@helpdeskly/tenant-data';

/** A job to enqueue once the transaction that wrote it has committed. */
export interface OutboxRow {
  readonly id: string;
  readonly queue: string;
  readonly name: string;
  readonly payload: TenantPrisma.JsonValue;
}

export interface NewOutboxRow {
  readonly queue: string;
  readonly name: string;
  readonly payload: TenantPrisma.InputJsonValue;
}

const ROW = { id: true, queue: true, name: true, payload: true } as const;

/**
 * The tenant's transactional outbox (outbox_messages). Rows are written in the transaction of the
 * change that causes them; the relay enqueues and deletes them. Methods run on the request's
 * tenant (the default), or on `client`, the sweeper's, which runs outside any request.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: TenantDatabase) {}

  insert(tx: TenantPrisma.TransactionClient, rows: readonly NewOutboxRow[]): Promise<OutboxRow[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return tx.outboxMessage.createManyAndReturn({ data: rows.map((r) => ({ ...r })), select: ROW });
  }

  /** The oldest rows written before `before`: those no relay after their commit took care of. */
  olderThan(before: Date, limit: number, client?: TenantClient): Promise<OutboxRow[]> {
    return this.session(client).query<OutboxRow>(
      sql`SELECT id, queue, name, payload FROM outbox_messages WHERE created_at < ${before}::timestamptz ORDER BY created_at LIMIT ${limit}`,
      'outboxOlderThan',
    );
  }

  async delete(ids: readonly string[], client?: TenantClient): Promise<void> {
    if (ids.length > 0)
      await this.session(client).query(
        sql`DELETE FROM outbox_messages WHERE id = ANY(${[...ids]}::uuid[])`,
        'outboxDelete',
      );
  }

  /** Counts a failed relay of the rows (for whoever looks at a row that keeps waiting). */
  async markFailed(ids: readonly string[], client?: TenantClient): Promise<void> {
    if (ids.length > 0)
      await this.session(client).query(
        sql`UPDATE outbox_messages SET attempts = attempts + 1 WHERE id = ANY(${[...ids]}::uuid[])`,
        'outboxMarkFailed',
      );
  }

  private session(client: TenantClient | undefined): SqlSession {
    return client ? this.db.sessionOf(client) : this.db;
  }
}
