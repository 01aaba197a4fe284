import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { mapWithConcurrency } from '@helpdeskly/migrations';
import { ObjectStorage, ticketPrefix } from '@helpdeskly/storage';
import { TRASH_RETENTION_DAYS } from '@helpdeskly/tenant-data';
import { type TenantOnServer, TenantLifecycleRepository } from '../tenant-lifecycle.repository';
import {
  TenantHousekeepingRepository,
  type TenantPurgeCounts,
  type TicketToPurge,
} from './tenant-housekeeping.repository';

// Tenant databases purged at once: two short statements each, on a client of the registry.
const PURGE_CONCURRENCY = 4;

export interface TrashPurgeReport extends TenantPurgeCounts {
  readonly tenants: number;
  readonly failed: number;
}

/**
 * The daily `purge-trash` job: in every ACTIVE tenant's database, tickets in the trash for more
 * than 30 days, expired idempotency keys and expired pending uploads (with their objects) are
 * deleted for good, and so are the raw copies of messages that made no ticket once older than
 * INBOUND_RAW_RETENTION_DAYS. A tenant that fails does not stop the others; the job then fails
 * (and is retried), having logged each tenant's error.
 */
@Injectable()
export class TrashPurgeService {
  private readonly logger = new Logger(TrashPurgeService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly tenants: TenantLifecycleRepository,
    private readonly housekeeping: TenantHousekeepingRepository,
    private readonly storage: ObjectStorage,
    private readonly metrics: MetricsRegistry,
  ) {}

  async purgeAll(): Promise<TrashPurgeReport> {
    const tenants = await this.tenants.findActiveOnServers();
    const results = await mapWithConcurrency(tenants, PURGE_CONCURRENCY, (tenant) =>
      this.purgeTenant(tenant).catch((error: unknown) => {
        this.logger.error({ err: error, tenantId: tenant.id }, 'purging a tenant database failed');
        return undefined;
      }),
    );
    const done = results.filter((result): result is TenantPurgeCounts => result !== undefined);
    const report = {
      tenants: tenants.length,
      failed: tenants.length - done.length,
      tickets: done.reduce((sum, r) => sum + r.tickets, 0),
      idempotencyKeys: done.reduce((sum, r) => sum + r.idempotencyKeys, 0),
      files: done.reduce((sum, r) => sum + r.files, 0),
      uploads: done.reduce((sum, r) => sum + r.uploads, 0),
      rawMessages: done.reduce((sum, r) => sum + r.rawMessages, 0),
    };
    this.logger.log(report, 'trash purged');
    if (report.failed > 0) throw new Error(`purging failed for ${report.failed} of ${report.tenants} tenant databases`);
    return report;
  }

  async purgeTenant(tenant: TenantOnServer): Promise<TenantPurgeCounts> {
    const counts = await this.housekeeping.purge(tenant.id, TRASH_RETENTION_DAYS, (tickets) =>
      this.deleteFiles(tenant.id, tickets),
    );
    const uploads = await this.housekeeping.purgeExpiredUploads(tenant.id, async (keys) => {
      for (const key of keys) await this.storage.delete(key);
      this.metrics.attachments.inc({ event: 'deleted' }, keys.length);
    });
    const rawMessages = await this.housekeeping.purgeRawMessages(
      tenant.id,
      this.config.inbound.rawRetentionDays,
      async (keys) => {
        for (const key of keys) await this.storage.delete(key);
      },
    );
    return { ...counts, uploads, rawMessages };
  }

  /** The files of each ticket (its prefix in object storage, and its other objects); a ticket whose deletion failed is left for the next purge. */
  private async deleteFiles(
    tenantId: string,
    tickets: readonly TicketToPurge[],
  ): Promise<{ done: string[]; files: number }> {
    const done: string[] = [];
    let files = 0;
    for (const { id, rawKeys, attachmentKeys } of tickets) {
      try {
        for (const key of [...rawKeys, ...attachmentKeys]) await this.storage.delete(key);
        const deleted = attachmentKeys.length + (await this.storage.deletePrefix(ticketPrefix(tenantId, id)));
        this.metrics.attachments.inc({ event: 'deleted' }, deleted);
        files += deleted;
        done.push(id);
      } catch (error) {
        this.logger.warn(
          { err: error, tenantId, ticketId: id },
          "a purged ticket's files were not deleted; it stays in the trash",
        );
      }
    }
    return { done, files };
  }
}
