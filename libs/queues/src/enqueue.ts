import type { JobsOptions, Queue } from 'bullmq';
import { withTimeout } from '@helpdeskly/async';

// BullMQ waits for a Redis it never reached, without a limit; a request must not.
export const ENQUEUE_TIMEOUT_MS = 2_000;

/** `queue.add`, failing after `timeoutMs` when Redis does not answer (the add may still land later: job ids make that harmless). */
export async function addJob<T>(
  queue: Queue<T>,
  name: string,
  data: T,
  opts: JobsOptions & { jobId: string },
  timeoutMs = ENQUEUE_TIMEOUT_MS,
): Promise<void> {
  await withRedisTimeout(
    queue.add(name as never, data as never, opts),
    timeoutMs,
    `enqueueing ${opts.jobId} on ${queue.name}`,
  );
}

/**
 * Makes the job `opts.jobId` run now: added without delay when absent, promoted when it waits for
 * its delay. Waiting, active, failed or completed, it is left alone (a failed one waits for an
 * admin's retry; an active one retries with its own backoff).
 */
export async function runSoon<T>(
  queue: Queue<T>,
  name: string,
  data: T,
  opts: JobsOptions & { jobId: string },
  timeoutMs = ENQUEUE_TIMEOUT_MS,
): Promise<void> {
  const work = async () => {
    const existing = await queue.getJob(opts.jobId);
    if (!existing) await queue.add(name as never, data as never, { ...opts, delay: 0 });
    else if (await existing.isDelayed()) await existing.promote();
  };
  await withRedisTimeout(work(), timeoutMs, `running ${opts.jobId} on ${queue.name}`);
}

/** `work`, or an error after `timeoutMs`: a queue whose Redis was never reached waits for it without a limit. */
export function withRedisTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return withTimeout(work, timeoutMs, () => new Error(`${what}: Redis did not answer within ${timeoutMs} ms`));
}
