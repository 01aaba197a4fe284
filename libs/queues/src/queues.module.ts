import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { QueueConnections, QueueConnectionsModule } from './queue-connections';
import { QueueErrorReporter } from './queue-error-reporter';
import { QUEUE_NAMES } from './queue-names';
import { QueueMetrics } from './queue.metrics';

/**
 * BullMQ on REDIS_URL (or the Redis Cluster of QUEUE_REDIS_CLUSTER_NODES) and every queue of Helpdeskly as a producer (inject with
 * `@InjectQueue(QUEUES.email)`). Queues close with the application (@nestjs/bullmq).
 */
const QUEUE_PRODUCERS = BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name })));

@Global()
@Module({
  imports: [
    QueueConnectionsModule,
    BullModule.forRootAsync({
      imports: [QueueConnectionsModule],
      inject: [AppConfig, QueueConnections],
      useFactory: (config: AppConfig, connections: QueueConnections) => ({
        prefix: config.queues.prefix,
        connection: connections.forQueues(),
      }),
    }),
    QUEUE_PRODUCERS,
  ],
  // Queue depths on /metrics, read on scrape.
  providers: [QueueMetrics, QueueErrorReporter],
  exports: [QUEUE_PRODUCERS],
})
export class QueuesModule {}
