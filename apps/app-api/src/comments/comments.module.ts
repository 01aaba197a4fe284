import { Module } from '@nestjs/common';
import { UploadsRepository } from '../attachments/uploads.repository';
import { TicketEventsRepository } from '../tickets/ticket-events.repository';
import { CommentsController } from './comments.controller';
import { CommentsRepository } from './comments.repository';
import { CommentsService } from './comments.service';

/** Replies and internal notes on tickets. */
@Module({
  controllers: [CommentsController],
  providers: [CommentsRepository, CommentsService, TicketEventsRepository, UploadsRepository],
  exports: [CommentsService],
})
export class CommentsModule {}
