import { Module } from '@nestjs/common';
import { TicketSearchController } from './ticket-search.controller';
import { TicketSearchRepository } from './ticket-search.repository';
import { TicketSearchService } from './ticket-search.service';

/** `GET /v1/tickets` (filters, sorts, cursor pages, full-text search) and the inbox counters. */
@Module({ controllers: [TicketSearchController], providers: [TicketSearchRepository, TicketSearchService] })
export class TicketSearchModule {}
