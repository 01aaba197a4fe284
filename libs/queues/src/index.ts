export { DEFAULT_JOB_OPTIONS, jobId } from './job-options';
export { isQueueName, QUEUE_NAMES, QUEUES, type QueueName } from './queue-names';
export { QueuesModule } from './queues.module';
