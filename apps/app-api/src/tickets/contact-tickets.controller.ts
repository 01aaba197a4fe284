import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { ContactsErrorCode } from '../contacts/contacts.errors';
import { ContactParamsDto, PageQueryDto } from '../contacts/dto/contact.dto';
import { TicketPageDto } from './dto/ticket.dto';
import { TicketsService } from './tickets.service';

/** A contact's tickets: served here, where tickets are, so contacts do not depend on tickets. */
@ApiTags('contacts')
@ApiBearerAuth()
@Controller('contacts')
export class ContactTicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Get(':id/tickets')
  @ApiOperation({ summary: "A contact's tickets", description: 'Newest first, outside the trash; cursor pagination.' })
  @ApiOkResponse({ type: TicketPageDto })
  @ApiProblems(ContactsErrorCode.ContactNotFound)
  list(@Param() params: ContactParamsDto, @Query() query: PageQueryDto): Promise<TicketPageDto> {
    return this.tickets.listByRequester(params.id, query);
  }
}
