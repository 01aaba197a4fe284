import type { Queue } from 'bullmq';

/** One warning per Redis outage on a queue's connection (without a listener an 'error' event would crash the process). */
export function reportQueueErrors(
  queue: Queue,
  logger: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void },
): void {
  let reported = false;
  queue.on('error', (error) => {
    if (reported) logger.debug({ err: error }, `queue ${queue.name}: Redis connection error`);
    else logger.warn({ err: error }, `queue ${queue.name}: Redis connection error; retrying in the background`);
    reported = true;
  });
}
