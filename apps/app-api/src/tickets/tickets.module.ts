import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { UploadsRepository } from '../attachments/uploads.repository';
import { ContactsModule } from '../contacts/contacts.module';
import { SettingsModule } from '../settings/settings.module';
import { BulkUpdateService } from './bulk-update.service';
import { ContactTicketsController } from './contact-tickets.controller';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { TicketEventsRepository } from './ticket-events.repository';
import { TicketsController } from './tickets.controller';
import { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';
import { TrashController } from './trash.controller';
import { TrashService } from './trash.service';

/** Tickets: create (idempotent), read, conditional update, history, bulk update, trash. */
@Module({
  // AttachmentsModule: purging a ticket from the trash deletes its files.
  imports: [ContactsModule, SettingsModule, AttachmentsModule],
  controllers: [TicketsController, TrashController, ContactTicketsController],
  providers: [
    TicketsRepository,
    TicketEventsRepository,
    IdempotencyKeysRepository,
    TicketsService,
    BulkUpdateService,
    TrashService,
    UploadsRepository,
  ],
  exports: [TicketsRepository, TicketEventsRepository, TicketsService],
})
export class TicketsModule {}
