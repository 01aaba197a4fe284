import type { JobsOptions } from 'bullmq';

/** How long, and how many per queue, jobs that failed every attempt stay for platform admins. */
export const FAILED_JOBS_KEPT = { age: 14 * 86_400, count: 10_000 } as const;

/**
 * Defaults of every job: retried with exponential backoff; a job that keeps failing stays in the
 * failed set (the dead letters: `GET /v1/admin/queues/:queue/jobs?state=failed`, retry, discard)
 * for 14 days, at most 10,000 per queue, so a broken dependency cannot fill Redis, whose queue
 * instance never evicts; completed ones are kept a day, at most a thousand, so a re-enqueue with
 * the same job id within that day stays a no-op.
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 86_400, count: 1_000 },
  removeOnFail: FAILED_JOBS_KEPT,
} as const satisfies JobsOptions;

/**
 * A job id from its parts. BullMQ ignores an add whose id exists, which makes a re-enqueue
 * idempotent. Ids cannot contain ':' (BullMQ's key separator) nor be integers.
 */
export function jobId(...parts: readonly string[]): string {
  return parts.map((p) => p.replace(/:/g, '_')).join('--');
}
