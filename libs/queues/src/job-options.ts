import type { JobsOptions } from 'bullmq';

/**
 * Defaults of every job: retried with exponential backoff; a job that keeps failing stays in the
 * failed set for platform admins (inspect, retry, discard); completed ones are kept a day, at most
 * a thousand, so a re-enqueue with the same job id within that day stays a no-op.
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 86_400, count: 1_000 },
  removeOnFail: false,
} as const satisfies JobsOptions;

/**
 * A job id from its parts. BullMQ ignores an add whose id exists, which makes a re-enqueue
 * idempotent. Ids cannot contain ':' (BullMQ's key separator) nor be integers.
 */
export function jobId(...parts: readonly string[]): string {
  return parts.map((p) => p.replace(/:/g, '_')).join('--');
}
