import { Module } from '@nestjs/common';
import { TicketEventsRepository } from '../tickets/ticket-events.repository';
import { CommentsController } from './comments.controller';
import { CommentsRepository } from './comments.repository';
import { CommentsService } from './comments.service';

/** Replies and internal notes on tickets. */
@Module({
  controllers: [CommentsController],
  providers: [CommentsRepository, CommentsService, TicketEventsRepository],
  exports: [CommentsService],
})
export class CommentsModule {}
