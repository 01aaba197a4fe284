import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { QueueErrorReporter } from './queue-error-reporter';
import { QUEUE_NAMES } from './queue-names';
import { QueueMetrics } from './queue.metrics';

/**
 * BullMQ on REDIS_URL and every queue of Helpdeskly as a producer (inject with
 * `@InjectQueue(QUEUES.email)`). Queues close with the application (@nestjs/bullmq).
 */
const QUEUE_PRODUCERS = BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name })));

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      // No offline queue: while Redis is down an add fails at once instead of piling up in memory.
      useFactory: (config: AppConfig) => ({ prefix: config.queues.prefix, connection: { url: config.redis.url, enableOfflineQueue: false } }),
    }),
    QUEUE_PRODUCERS,
  ],
  // Queue depths on /metrics, read on scrape.
  providers: [QueueMetrics, QueueErrorReporter],
  exports: [QUEUE_PRODUCERS],
})
export class QueuesModule {}
