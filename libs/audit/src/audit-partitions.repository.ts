import { Injectable } from '@nestjs/common';
import { ControlDatabase } from '@helpdeskly/database';

/** A monthly partition of audit_logs, from the first instant of `month` (UTC) to the next month's. */
export interface AuditPartition {
  readonly name: string;
  readonly month: Date;
}

const PARTITION_NAME = /^audit_logs_p(\d{4})(\d{2})$/;
const DEFAULT_PARTITION = 'audit_logs_default';
// Second key of the advisory lock held while partitions change (two maintenance runs at once wait).
const PARTITION_LOCK = 0x4155_4450; // "AUDP"

export const partitionName = (month: Date): string => `audit_logs_p${month.toISOString().slice(0, 7).replace('-', '')}`;
const nextMonth = (month: Date): Date => new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));

/** The partitions of audit_logs (see the migration audit_log_partitions), in SQL Prisma cannot express. */
@Injectable()
export class AuditPartitionsRepository {
  constructor(private readonly db: ControlDatabase) {}

  async list(): Promise<AuditPartition[]> {
    const rows = await this.db.$queryRaw<Array<{ name: string }>>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'audit_logs'::regclass ORDER BY c.relname`;
    return rows.flatMap(({ name }) => {
      const match = PARTITION_NAME.exec(name);
      return match ? [{ name, month: new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)) }] : [];
    });
  }

  /**
   * Creates the partition of `month` unless it exists; false when it did. Entries of that month
   * already in the default partition (written while it was missing) move into it: PostgreSQL
   * refuses a partition whose rows the default partition holds.
   */
  async create(month: Date): Promise<boolean> {
    const name = partitionName(month);
    const from = month.toISOString();
    const to = nextMonth(month).toISOString();
    return this.db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PARTITION_LOCK}::int)`;
        const [{ exists }] = await tx.$queryRaw<
          Array<{ exists: boolean }>
        >`SELECT to_regclass(${`"${name}"`}) IS NOT NULL AS "exists"`;
        if (exists) return false;
        // The name is built from digits only (partitionName), the bounds from ISO dates.
        await tx.$executeRawUnsafe(`CREATE TABLE "${name}" (LIKE "audit_logs" INCLUDING DEFAULTS)`);
        await tx.$executeRawUnsafe(
          `INSERT INTO "${name}" SELECT * FROM "${DEFAULT_PARTITION}" WHERE "created_at" >= '${from}' AND "created_at" < '${to}'`,
        );
        await tx.$executeRawUnsafe(
          `DELETE FROM "${DEFAULT_PARTITION}" WHERE "created_at" >= '${from}' AND "created_at" < '${to}'`,
        );
        await tx.$executeRawUnsafe(
          `ALTER TABLE "audit_logs" ATTACH PARTITION "${name}" FOR VALUES FROM ('${from}') TO ('${to}')`,
        );
        return true;
      },
      { timeout: 60_000 },
    );
  }

  async drop(partition: AuditPartition): Promise<void> {
    if (!PARTITION_NAME.test(partition.name)) throw new Error(`not an audit log partition: ${partition.name}`);
    await this.db.$executeRawUnsafe(`DROP TABLE IF EXISTS "${partition.name}"`);
  }

  /** Deletes entries older than `before` from the default partition; the number deleted. */
  deleteFromDefaultBefore(before: Date): Promise<number> {
    return this.db.$executeRawUnsafe(
      `DELETE FROM "${DEFAULT_PARTITION}" WHERE "created_at" < $1::timestamptz`,
      before.toISOString(),
    );
  }
}
