/**
 * Every BullMQ queue of Helpdeskly, all on REDIS_URL (append-only persistence, noeviction: a
 * queued job survives a restart and is never evicted). Producers live in both APIs; consumers run
 * inside control-api (RUN_WORKERS=true) or in the worker process.
 */
export const QUEUES = {
  /** Outgoing emails (libs/mail): templates rendered and sent over SMTP by the email worker. */
  email: 'email',
  /** Provisioning and deletion of tenant databases: the durable intent behind the inline fast path. */
  provisioning: 'provisioning',
  /** Bringing one tenant database up to the latest tenant migration. */
  tenantMigrations: 'tenant-migrations',
  /** Scheduled housekeeping (repeatable jobs): trash purge, expired idempotency keys, stuck tenants. */
  maintenance: 'maintenance',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

export function isQueueName(value: string): value is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(value);
}
