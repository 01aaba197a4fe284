import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ReadinessDetail } from '@helpdeskly/health';
import { QueueRedisSettingsCheck } from './queue-redis-settings';
import { QueueWorkers } from './queue-workers';

/**
 * Runs the workers of every QueueProcessor of the application and checks the queues' Redis
 * settings; import it where jobs are consumed. Global so that readiness shows those settings.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    QueueWorkers,
    QueueRedisSettingsCheck,
    { provide: ReadinessDetail, useExisting: QueueRedisSettingsCheck },
  ],
  exports: [QueueWorkers, QueueRedisSettingsCheck, ReadinessDetail],
})
export class QueueWorkersModule {}
