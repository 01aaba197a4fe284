import type { Job } from 'bullmq';
import type { QueueName } from './queue-names';

/**
 * The consumer of one queue. A provider that extends it is run by {@link QueueWorkers} wherever
 * workers run (the worker process, or control-api with RUN_WORKERS=true); elsewhere it is inert.
 * Throwing fails the attempt: the job is retried with its backoff, then kept in the failed set.
 */
export abstract class QueueProcessor<Data = unknown, Result = unknown> {
  abstract readonly queue: QueueName;
  /** Jobs of this queue that one process runs at once. */
  abstract readonly concurrency: number;
  abstract process(job: Job<Data, Result>): Promise<Result>;
}
