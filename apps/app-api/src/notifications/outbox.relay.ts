import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { TenantPrismaClient } from '@helpdeskly/database';
import { addJob, DEFAULT_JOB_OPTIONS, isQueueName, jobId } from '@helpdeskly/queues';
import { TenantClientRegistry } from '../tenancy/tenant-client.registry';
import { OutboxRepository, type OutboxRow } from './outbox.repository';

/** A request waits this long for Redis before leaving its rows to the sweeper. */
const RELAY_TIMEOUT_MS = 1_000;
/** Rows younger than this may still be relayed by the request that wrote them. */
const SWEEP_MIN_AGE_MS = 10_000;
const SWEEP_INTERVAL_MS = 5_000;
const SWEEP_BATCH = 100;

/**
 * Moves outbox rows to their BullMQ queue, with the row id as job id: enqueueing a row twice (the
 * request's relay and a sweep) adds one job. Right after a transaction commits, the request relays
 * its own rows; rows that could not be enqueued (Redis down) stay, and the sweeper retries them
 * every few seconds for the tenants whose clients are open in this process, and whenever a
 * tenant's client is created (after a restart, say).
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly sweeping = new Set<string>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly outbox: OutboxRepository, private readonly registry: TenantClientRegistry, private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    this.registry.onClientCreated((tenantId) => void this.sweep(tenantId));
    this.timer = setInterval(() => {
      for (const tenantId of this.registry.openTenantIds()) void this.sweep(tenantId);
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /**
   * Enqueues and deletes the rows (in the current tenant context unless `db` is given). Never
   * throws: a row that could not be enqueued waits for the sweeper.
   */
  async relay(rows: readonly OutboxRow[], db?: TenantPrismaClient): Promise<void> {
    if (rows.length === 0) return;
    const results = await Promise.allSettled(rows.map((row) => this.enqueue(row)));
    const done = rows.filter((_, i) => results[i]!.status === 'fulfilled').map((r) => r.id);
    const failed = rows.filter((_, i) => results[i]!.status === 'rejected').map((r) => r.id);
    try {
      await this.outbox.delete(done, db);
      await this.outbox.markFailed(failed, db);
    } catch (error) {
      // The jobs exist; a later sweep enqueues these rows again (a no-op) and deletes them.
      this.logger.warn({ err: error }, 'outbox rows enqueued but not deleted');
    }
    if (failed.length > 0) {
      const reason = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error;
      this.logger.warn({ err: reason, rows: failed.length }, 'outbox rows not enqueued; the sweeper retries them');
    }
  }

  /** Relays the tenant's rows older than a few seconds, if its client is open here. */
  async sweep(tenantId: string): Promise<void> {
    if (this.stopped || this.sweeping.has(tenantId)) return;
    this.sweeping.add(tenantId);
    try {
      await this.registry.withOpenClient(tenantId, async (client) => {
        const rows = await this.outbox.olderThan(new Date(Date.now() - SWEEP_MIN_AGE_MS), SWEEP_BATCH, client);
        await this.relay(rows, client);
      });
    } catch (error) {
      this.logger.warn({ err: error, tenantId }, 'outbox sweep failed');
    } finally {
      this.sweeping.delete(tenantId);
    }
  }

  private async enqueue(row: OutboxRow): Promise<void> {
    if (!isQueueName(row.queue)) throw new Error(`outbox row ${row.id}: unknown queue ${row.queue}`);
    const queue = this.moduleRef.get<Queue>(getQueueToken(row.queue), { strict: false });
    await addJob(queue, row.name, row.payload, { ...DEFAULT_JOB_OPTIONS, jobId: jobId(row.id) }, RELAY_TIMEOUT_MS);
  }
}
