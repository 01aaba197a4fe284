import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { EMAIL_QUEUE, EmailOutbox } from './email-outbox';

/**
 * BullMQ on REDIS_URL (the connection every queue of control-api shares) and the email outbox.
 * Queues close with the application (onApplicationShutdown of @nestjs/bullmq).
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      // No offline queue: while Redis is down an add fails at once instead of piling up in memory.
      useFactory: (config: AppConfig) => ({ connection: { url: config.redis.url, enableOfflineQueue: false } }),
    }),
    BullModule.registerQueue({ name: EMAIL_QUEUE }),
  ],
  providers: [EmailOutbox],
  exports: [EmailOutbox],
})
export class NotificationsModule {}
