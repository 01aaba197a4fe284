import { Injectable } from '@nestjs/common';
import { type ControlPrisma as Prisma, ControlDatabase, toPage } from '@helpdeskly/database';
import type { ChainHead, ChainedEntry } from './audit-chain';

export interface AuditEntry {
  readonly action: string;
  readonly tenantId?: string | null;
  readonly actorUserId?: string | null;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly success?: boolean;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  /** Context of the event; never a secret (the service masks secret-looking keys anyway). */
  readonly metadata?: Record<string, unknown>;
}

export interface AuditQuery {
  readonly tenantId?: string;
  readonly actorUserId?: string;
  readonly action?: string;
  readonly success?: boolean;
  readonly from?: Date;
  readonly to?: Date;
  /** Id of the last entry of the previous page. */
  readonly cursor?: string;
  readonly limit: number;
}

/** An entry ready to be stored, sealed with its place in the chain and its hash. */
export type SealedEntry = ChainedEntry & { readonly hash: string };

/** Where an export or a page continues: after this entry, in (createdAt, id) order. */
export interface AuditPosition {
  readonly createdAt: Date;
  readonly id: string;
}

export interface AuditExportFilter {
  /** undefined: every entry (platform admins); null: the platform's own entries. */
  readonly tenantId?: string | null;
  readonly from?: Date;
  readonly to?: Date;
}

// Namespace of the advisory locks that serialise each chain's writes (first key of the pair).
const CHAIN_LOCK_NAMESPACE = 0x4155_4454; // "AUDT"

@Injectable()
export class AuditRepository {
  constructor(private readonly db: ControlDatabase) {}

  /**
   * Appends to the chain of `tenantId` (null: the platform's). A transaction-scoped advisory lock
   * on the chain makes concurrent writers take turns, so each links to the head the previous one
   * wrote and the chain never forks. The control database is reached directly, not through
   * PgBouncer, so the lock and the transaction share one session.
   */
  async append(tenantId: string | null, seal: (head: ChainHead | null) => SealedEntry): Promise<void> {
    await this.db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK_NAMESPACE}::int, hashtext(${tenantId ?? 'platform'}))`;
        const head = await tx.auditLog.findFirst({
          where: { tenantId, chainSeq: { not: null } },
          orderBy: { chainSeq: 'desc' },
          select: { chainSeq: true, hash: true },
        });
        const entry = seal(
          head?.chainSeq != null && head.hash != null ? { chainSeq: head.chainSeq, hash: head.hash } : null,
        );
        await tx.auditLog.create({ data: { ...entry, metadata: entry.metadata as Prisma.InputJsonValue } });
      },
      { maxWait: 5_000, timeout: 10_000 },
    );
  }

  /** Newest first; stable under inserts (ordered by createdAt, then id). */
  async find(query: AuditQuery) {
    const where: Prisma.AuditLogWhereInput = {
      tenantId: query.tenantId,
      actorUserId: query.actorUserId,
      action: query.action,
      success: query.success,
      createdAt: query.from || query.to ? { gte: query.from, lte: query.to } : undefined,
    };
    // The key is (id, created_at) since partitioning, so the cursor is resolved to its position.
    if (query.cursor) {
      const after = await this.db.auditLog.findFirst({
        where: { id: query.cursor },
        select: { createdAt: true, id: true },
      });
      if (!after) return toPage([], query.limit);
      where.OR = [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }];
    }
    const rows = await this.db.auditLog.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    return toPage(rows, query.limit);
  }

  /**
   * Up to `limit` entries of one chain after `after`, in chain order; by (chainSeq, id), so two
   * entries claiming one position are both read (and the second reported).
   */
  chainAfter(tenantId: string | null, after: { readonly chainSeq: bigint; readonly id: string } | null, limit: number) {
    return this.db.auditLog.findMany({
      where: {
        tenantId,
        chainSeq: { not: null },
        ...(after
          ? { OR: [{ chainSeq: { gt: after.chainSeq } }, { chainSeq: after.chainSeq, id: { gt: after.id } }] }
          : {}),
      },
      orderBy: [{ chainSeq: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }

  /** Up to `limit` entries after `after`, oldest first. */
  exportAfter(filter: AuditExportFilter, after: AuditPosition | null, limit: number) {
    return this.db.auditLog.findMany({
      where: {
        tenantId: filter.tenantId,
        createdAt: filter.from || filter.to ? { gte: filter.from, lte: filter.to } : undefined,
        ...(after
          ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }
}
