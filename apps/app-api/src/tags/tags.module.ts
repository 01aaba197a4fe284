import { Module } from '@nestjs/common';
import { TicketEventsRepository } from '../tickets/ticket-events.repository';
import { TagsController } from './tags.controller';
import { TagsRepository } from './tags.repository';
import { TagsService } from './tags.service';

/** Tags on tickets, and the tenant's tag list (rename and delete for OWNERs and ADMINs). */
@Module({ controllers: [TagsController], providers: [TagsRepository, TagsService, TicketEventsRepository] })
export class TagsModule {}
