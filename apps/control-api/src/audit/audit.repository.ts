import { Injectable } from '@nestjs/common';
import { type ControlPrisma as Prisma, ControlDatabase, pageArgs, toPage } from '@helpdeskly/database';

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

@Injectable()
export class AuditRepository {
  constructor(private readonly db: ControlDatabase) {}

  async insert(entry: AuditEntry): Promise<void> {
    await this.db.auditLog.create({
      data: {
        action: entry.action,
        tenantId: entry.tenantId ?? null,
        actorUserId: entry.actorUserId ?? null,
        targetType: entry.targetType,
        targetId: entry.targetId,
        success: entry.success ?? true,
        ip: entry.ip ?? null,
        userAgent: entry.userAgent ?? null,
        metadata: (entry.metadata ?? {}) as Prisma.InputJsonValue,
      },
    });
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
    const rows = await this.db.auditLog.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...pageArgs(query.cursor, query.limit),
    });
    return toPage(rows, query.limit);
  }
}
