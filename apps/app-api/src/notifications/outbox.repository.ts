import { Injectable } from '@nestjs/common';
import type { TenantPrisma, TenantPrismaClient } from '@helpdeskly/database';
import { TenantDatabase } from '../tenancy/tenant-database';

type Db = TenantPrismaClient | TenantPrisma.TransactionClient;

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
 * change that causes them; the relay enqueues and deletes them. Methods take the client to use:
 * a transaction's, or the sweeper's, which runs outside any request.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: TenantDatabase) {}

  insert(tx: TenantPrisma.TransactionClient, rows: readonly NewOutboxRow[]): Promise<OutboxRow[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return tx.outboxMessage.createManyAndReturn({ data: rows.map((r) => ({ ...r })), select: ROW });
  }

  /** The oldest rows written before `before`: those no relay after their commit took care of. */
  olderThan(before: Date, limit: number, db: Db = this.db.client()): Promise<OutboxRow[]> {
    return db.outboxMessage.findMany({ where: { createdAt: { lt: before } }, orderBy: { createdAt: 'asc' }, take: limit, select: ROW });
  }

  async delete(ids: readonly string[], db: Db = this.db.client()): Promise<void> {
    if (ids.length > 0) await db.outboxMessage.deleteMany({ where: { id: { in: [...ids] } } });
  }

  /** Counts a failed relay of the rows (for whoever looks at a row that keeps waiting). */
  async markFailed(ids: readonly string[], db: Db = this.db.client()): Promise<void> {
    if (ids.length > 0) await db.outboxMessage.updateMany({ where: { id: { in: [...ids] } }, data: { attempts: { increment: 1 } } });
  }
}
