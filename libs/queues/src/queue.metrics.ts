import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { JobState, Queue } from 'bullmq';
import { Counter, Gauge } from 'prom-client';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { withRedisTimeout } from './enqueue';
import { QUEUE_NAMES } from './queue-names';

export const QUEUE_JOBS_METRIC = 'helpdeskly_queue_jobs';
export const QUEUE_JOBS_SCRAPE_FAILURES_METRIC = 'helpdeskly_queue_jobs_scrape_failures_total';

/** The states counted on each scrape: a closed set, so the series stay bounded. */
export const QUEUE_JOB_STATES: readonly JobState[] = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'waiting-children',
  'failed',
  'completed',
];

/** How long a scrape waits for Redis before leaving the queue depths out. */
const COUNT_TIMEOUT_MS = 1_000;

/**
 * The depth of every queue, read from Redis on each scrape (BullMQ's getJobCounts) by queue and
 * state. A queue whose counts do not come back within a second, Redis being down or slow, is left
 * out of that scrape and counted as a scrape failure: /metrics keeps answering.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  private queues: Queue[] = [];
  private reading?: Promise<void>;
  private readonly depths: Gauge<'queue' | 'state'>;
  private readonly failures: Counter<'queue'>;

  constructor(
    private readonly moduleRef: ModuleRef,
    metrics: MetricsRegistry,
  ) {
    // A scrape collects metrics concurrently: both wait for the same read of Redis.
    const collect = () => this.read();
    this.depths = new Gauge({
      name: QUEUE_JOBS_METRIC,
      help: 'Jobs in each queue, by queue and state (read from Redis on scrape)',
      labelNames: ['queue', 'state'] as const,
      registers: [metrics.registry],
      collect,
    });
    this.failures = new Counter({
      name: QUEUE_JOBS_SCRAPE_FAILURES_METRIC,
      help: 'Scrapes that could not read a queue depth from Redis in time, by queue',
      labelNames: ['queue'] as const,
      registers: [metrics.registry],
      collect,
    });
  }

  onModuleInit(): void {
    this.queues = QUEUE_NAMES.map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
  }

  private read(): Promise<void> {
    this.reading ??= this.readDepths().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readDepths(): Promise<void> {
    this.depths.reset();
    await Promise.all(
      this.queues.map(async (queue) => {
        try {
          const counts = await withRedisTimeout(
            queue.getJobCounts(...QUEUE_JOB_STATES),
            COUNT_TIMEOUT_MS,
            `counting the jobs of ${queue.name}`,
          );
          for (const state of QUEUE_JOB_STATES) this.depths.set({ queue: queue.name, state }, counts[state] ?? 0);
        } catch {
          this.failures.inc({ queue: queue.name });
        }
      }),
    );
  }
}
