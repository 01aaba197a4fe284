import { Module } from '@nestjs/common';

/** Emails about tickets (acknowledgement, replies, assignment), through the tenant's outbox. */
@Module({})
export class NotificationsModule {}
