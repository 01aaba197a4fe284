import { Global, Module } from '@nestjs/common';
import { EmailOutbox } from './email-outbox';

/** The email outbox: emails of control-api go to the BullMQ queue `email` (QueuesModule). */
@Global()
@Module({
  providers: [EmailOutbox],
  exports: [EmailOutbox],
})
export class NotificationsModule {}
