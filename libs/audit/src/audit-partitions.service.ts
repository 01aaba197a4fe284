import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { type AuditPartition, AuditPartitionsRepository, partitionName } from './audit-partitions.repository';

/** Months created ahead of the current one: the job can fail for that long before the default partition fills. */
export const AUDIT_PARTITION_MONTHS_AHEAD = 3;

export interface AuditPartitionsReport {
  readonly created: string[];
  readonly dropped: string[];
  /** Expired entries deleted from the default partition. */
  readonly deletedFromDefault: number;
}

const monthOf = (date: Date, offset = 0): Date =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));

/**
 * The daily `audit-partitions` job: the months from the current one to AUDIT_PARTITION_MONTHS_AHEAD
 * after it get their partition, and months that ended more than AUDIT_RETENTION_MONTHS ago are
 * dropped whole (with the current month, AUDIT_RETENTION_MONTHS + 1 months are kept).
 */
@Injectable()
export class AuditPartitionsService {
  private readonly logger = new Logger(AuditPartitionsService.name);

  constructor(
    private readonly partitions: AuditPartitionsRepository,
    private readonly config: AppConfig,
  ) {}

  async maintain(now = new Date()): Promise<AuditPartitionsReport> {
    const existing = await this.partitions.list();
    const have = new Set(existing.map((p) => p.month.getTime()));
    const created: string[] = [];
    for (let offset = 0; offset <= AUDIT_PARTITION_MONTHS_AHEAD; offset += 1) {
      const month = monthOf(now, offset);
      if (!have.has(month.getTime()) && (await this.partitions.create(month))) created.push(partitionName(month));
    }

    const cutoff = monthOf(now, -this.config.audit.retentionMonths);
    const expired = existing.filter((p: AuditPartition) => p.month < cutoff);
    for (const partition of expired) await this.partitions.drop(partition);
    const deletedFromDefault = await this.partitions.deleteFromDefaultBefore(cutoff);

    const report = { created, dropped: expired.map((p) => p.name), deletedFromDefault };
    this.logger.log({ ...report, cutoff }, 'audit log partitions maintained');
    return report;
  }
}
