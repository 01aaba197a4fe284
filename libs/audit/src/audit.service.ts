import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { redactSecrets } from '@helpdeskly/logging';
import { type ChainHead, type ChainedEntry, auditEntryHash, checkLink } from './audit-chain';
import {
  type AuditEntry,
  type AuditExportFilter,
  type AuditPosition,
  type AuditQuery,
  AuditRepository,
} from './audit.repository';
import type { AuditChainReportDto, AuditLogEntryDto, AuditLogPageDto } from './dto/audit-log-query.dto';

// Rows read at once while verifying a chain or exporting: bounded memory on any trail size.
const BATCH_SIZE = 1_000;

type StoredEntry = Omit<ChainedEntry, 'chainSeq'> & { readonly chainSeq: bigint | null; readonly hash: string | null };

/** The audit trail of control-api: who did what, when, from where, and whether it worked. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly audit: AuditRepository) {}

  /**
   * Records an event, linked into its tenant's hash chain (the platform's when there is no
   * tenant). A failure to write the trail is logged, never thrown: it must not turn a user's
   * successful action into an error.
   */
  async record(entry: AuditEntry): Promise<void> {
    try {
      // Hashed as it will be read back: JSON round-tripped, as jsonb stores it.
      const metadata: unknown = JSON.parse(JSON.stringify(entry.metadata ? redactSecrets(entry.metadata) : {}));
      const tenantId = entry.tenantId ?? null;
      await this.audit.append(tenantId, (head: ChainHead | null) => {
        const fields: ChainedEntry = {
          id: randomUUID(),
          tenantId,
          actorUserId: entry.actorUserId ?? null,
          action: entry.action,
          targetType: entry.targetType ?? null,
          targetId: entry.targetId ?? null,
          success: entry.success ?? true,
          ip: entry.ip ?? null,
          userAgent: entry.userAgent ?? null,
          metadata,
          createdAt: new Date(),
          chainSeq: head ? head.chainSeq + 1n : 1n,
          prevHash: head?.hash ?? null,
        };
        return { ...fields, hash: auditEntryHash(fields) };
      });
    } catch (error) {
      this.logger.error({ err: error, action: entry.action }, 'audit entry could not be written');
    }
  }

  async find(query: AuditQuery): Promise<AuditLogPageDto> {
    const page = await this.audit.find(query);
    return { items: page.items.map(toEntryDto), nextCursor: page.nextCursor };
  }

  /**
   * Walks the chain of `tenantId` (null: the platform's) from its oldest entry still kept and
   * stops at the first entry that does not match: altered (its hash), or with an entry before it
   * removed or replaced (its link). Entries written before the chain existed are not in it.
   */
  async verifyChain(tenantId: string | null): Promise<AuditChainReportDto> {
    let previous: (ChainHead & { readonly id: string }) | undefined;
    let firstSeq: number | null = null;
    let checked = 0;
    for (;;) {
      const rows = await this.audit.chainAfter(tenantId, previous ?? null, BATCH_SIZE);
      for (const row of rows as Array<StoredEntry & { chainSeq: bigint }>) {
        const reason = checkLink(row, previous);
        if (reason)
          return {
            tenantId,
            valid: false,
            checked,
            firstSeq,
            lastSeq: previous ? Number(previous.chainSeq) : null,
            brokenAt: { id: row.id, chainSeq: Number(row.chainSeq), createdAt: row.createdAt, reason },
          };
        firstSeq ??= Number(row.chainSeq);
        previous = { chainSeq: row.chainSeq, hash: row.hash ?? '', id: row.id };
        checked += 1;
      }
      if (rows.length < BATCH_SIZE)
        return {
          tenantId,
          valid: true,
          checked,
          firstSeq,
          lastSeq: previous ? Number(previous.chainSeq) : null,
          brokenAt: null,
        };
    }
  }

  /** The entries matching `filter`, oldest first, one JSON object per line (NDJSON), read in batches. */
  async *exportLines(filter: AuditExportFilter): AsyncGenerator<string> {
    let after: AuditPosition | null = null;
    for (;;) {
      const rows = await this.audit.exportAfter(filter, after, BATCH_SIZE);
      for (const row of rows) yield `${JSON.stringify(toEntryDto(row))}\n`;
      if (rows.length < BATCH_SIZE) return;
      after = rows[rows.length - 1];
    }
  }
}

function toEntryDto(row: StoredEntry): AuditLogEntryDto {
  return {
    id: row.id,
    tenantId: row.tenantId,
    actorUserId: row.actorUserId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    success: row.success,
    ip: row.ip,
    userAgent: row.userAgent,
    metadata: row.metadata,
    createdAt: row.createdAt,
    chainSeq: row.chainSeq === null ? null : Number(row.chainSeq),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
