import { DomainException } from '@helpdeskly/errors';

export enum QueuesErrorCode {
  QueueNotFound = 'queue_not_found',
  JobNotFound = 'job_not_found',
  JobNotFailed = 'job_not_failed',
  JobActive = 'job_active',
  QueueUnavailable = 'queue_unavailable',
}

const QUEUES_ERRORS: Readonly<Record<QueuesErrorCode, { status: number; title: string }>> = {
  [QueuesErrorCode.QueueNotFound]: { status: 404, title: 'Queue not found' },
  [QueuesErrorCode.JobNotFound]: { status: 404, title: 'Job not found' },
  [QueuesErrorCode.JobNotFailed]: { status: 409, title: 'Only a failed job can be retried' },
  [QueuesErrorCode.JobActive]: { status: 409, title: 'An active job cannot be discarded' },
  [QueuesErrorCode.QueueUnavailable]: { status: 503, title: 'The queues cannot be reached' },
};

/** Errors of the queue administration, rendered as problem details by the global filter. */
export class QueuesException extends DomainException<QueuesErrorCode> {
  constructor(
    readonly code: QueuesErrorCode,
    detail?: string,
    options: { cause?: unknown } = {},
  ) {
    super(QUEUES_ERRORS, code, detail);
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
