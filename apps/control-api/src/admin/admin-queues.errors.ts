import { type CodeOf, defineErrors } from '@helpdeskly/errors';

const queues = defineErrors('admin-queues', {
  QueueNotFound: { code: 'queue_not_found', status: 404, title: 'Queue not found' },
  JobNotFound: { code: 'job_not_found', status: 404, title: 'Job not found' },
  JobNotFailed: { code: 'job_not_failed', status: 409, title: 'Only a failed job can be retried' },
  JobActive: { code: 'job_active', status: 409, title: 'An active job cannot be discarded' },
  QueueUnavailable: { code: 'queue_unavailable', status: 503, title: 'The queues cannot be reached' },
});

export const QueuesErrorCode = queues.codes;
export type QueuesErrorCode = CodeOf<typeof QueuesErrorCode>;

/** Errors of the queue administration, rendered as problem details by the global filter. */
export class QueuesException extends queues.Exception {}
