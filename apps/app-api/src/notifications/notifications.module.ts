import { Global, Module } from '@nestjs/common';
import { OutboxRelay } from './outbox.relay';
import { OutboxRepository } from './outbox.repository';
import { TicketNotifications } from './ticket-notifications.service';

/**
 * Emails about tickets (acknowledgement, replies, assignment), through the tenant's transactional
 * outbox: written with the change, relayed to the queue `email` after commit, swept when Redis was down.
 */
@Global()
@Module({ providers: [OutboxRepository, OutboxRelay, TicketNotifications], exports: [TicketNotifications] })
export class NotificationsModule {}
