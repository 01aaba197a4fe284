import { getQueueToken } from '@nestjs/bullmq';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { addJob, DEFAULT_JOB_OPTIONS, isQueueName, jobId } from '@helpdeskly/queues';
import { TenantClientRegistry } from '@helpdeskly/tenant-data';
import { OutboxRepository, type OutboxRow } from './outbox.repository';

/** A request waits this long for Redis before leaving its rows to the sweeper. */
const RELAY_TIMEOUT_MS = 1_000;
/** Rows younger than this may still be relayed by the request that wrote them. */
const SWEEP_MIN_AGE_MS = 10_000;
const SWEEP_INTERVAL_MS = 5_000;
const SWEEP_BATCH = 100;
/** How often the rows that requests enqueued are deleted, one statement per tenant. */
const DELETE_INTERVAL_MS = 200;

/**
 * Moves outbox rows to their BullMQ queue, with the row id as job id: enqueueing a row twice (the
 * request's relay and a sweep) adds one job. Right after a transaction commits, the request
 * enqueues its own rows; their deletion is batched per tenant every DELETE_INTERVAL_MS, off the
 * request (one statement for many rows; a row whose deletion is lost, on a crash, is enqueued
 * again by a sweep, a no-op while BullMQ keeps the completed job). Rows that could not be enqueued
 * (Redis down) stay, and the sweeper retries them every few seconds for the tenants whose clients
 * are open in this process, and whenever a tenant's client is created (after a restart, say).
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly sweeping = new Set<string>();
  /** Ids of rows enqueued by requests, to delete, by tenant. */
  private readonly enqueued = new Map<string, string[]>();
  private timer?: NodeJS.Timeout;
  private deleter?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly registry: TenantClientRegistry,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.registry.onClientCreated((tenantId) => void this.sweep(tenantId));
    this.timer = setInterval(() => {
      for (const tenantId of this.registry.openTenantIds()) void this.sweep(tenantId);
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
    this.deleter = setInterval(() => void this.deleteEnqueued(), DELETE_INTERVAL_MS);
    this.deleter.unref();
  }

  /** Before the tenant clients disconnect (the registry's own shutdown waits for this one's). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.deleter);
    await this.deleteEnqueued();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.deleter);
  }

  /**
   * After a request's transaction committed: enqueues its rows (of `tenantId`, whose request
   * context this runs in); the enqueued ones are deleted shortly after, the others counted as
   * failed for the sweeper. Never throws.
   */
  async relay(tenantId: string, rows: readonly OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    const { done, failed } = await this.enqueueAll(rows);
    this.enqueued.set(tenantId, [...(this.enqueued.get(tenantId) ?? []), ...done]);
    if (failed.length > 0)
      await this.outbox
        .markFailed(failed)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox rows not marked as failed'));
  }

  /** Relays the tenant's rows older than a few seconds, if its client is open here. */
  async sweep(tenantId: string): Promise<void> {
    if (this.stopped || this.sweeping.has(tenantId)) return;
    this.sweeping.add(tenantId);
    try {
      await this.registry.withOpenClient(tenantId, async (client) => {
        const rows = await this.outbox.olderThan(new Date(Date.now() - SWEEP_MIN_AGE_MS), SWEEP_BATCH, client);
        if (rows.length === 0) return;
        const { done, failed } = await this.enqueueAll(rows);
        await this.outbox.delete(done, client);
        await this.outbox.markFailed(failed, client);
      });
    } catch (error) {
      this.logger.warn({ err: error, tenantId }, 'outbox sweep failed');
    } finally {
      this.sweeping.delete(tenantId);
    }
  }

  /** Deletes the rows requests enqueued, one statement per tenant whose client is open; a sweep takes the others. */
  private async deleteEnqueued(): Promise<void> {
    const batches = [...this.enqueued];
    this.enqueued.clear();
    await Promise.all(
      batches.map(async ([tenantId, ids]) => {
        try {
          await this.registry.withOpenClient(tenantId, (client) => this.outbox.delete(ids, client));
        } catch (error) {
          // The jobs exist; a later sweep enqueues these rows again (a no-op) and deletes them.
          this.logger.warn({ err: error, tenantId, rows: ids.length }, 'outbox rows enqueued but not deleted');
        }
      }),
    );
  }

  private async enqueueAll(rows: readonly OutboxRow[]): Promise<{ done: string[]; failed: string[] }> {
    const results = await Promise.allSettled(rows.map((row) => this.enqueue(row)));
    const done = rows.filter((_, i) => results[i]!.status === 'fulfilled').map((r) => r.id);
    const failed = rows.filter((_, i) => results[i]!.status === 'rejected').map((r) => r.id);
    if (failed.length > 0) {
      const reason = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error;
      this.logger.warn({ err: reason, rows: failed.length }, 'outbox rows not enqueued; the sweeper retries them');
    }
    return { done, failed };
  }

  private async enqueue(row: OutboxRow): Promise<void> {
    if (!isQueueName(row.queue)) throw new Error(`outbox row ${row.id}: unknown queue ${row.queue}`);
    const queue = this.moduleRef.get<Queue>(getQueueToken(row.queue), { strict: false });
    await addJob(queue, row.name, row.payload, { ...DEFAULT_JOB_OPTIONS, jobId: jobId(row.id) }, RELAY_TIMEOUT_MS);
  }
}
