import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type JsonText, JsonTextResponse } from '@helpdeskly/http';
import { CurrentTenant, type TenantContext } from '../../tenancy/tenant-context';
import { TicketListQueryDto } from './dto/ticket-list-query.dto';
import { TicketCountsDto, TicketListPageDto } from './dto/ticket-summary.dto';
import { TicketSearchService } from './ticket-search.service';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets')
export class TicketSearchController {
  constructor(private readonly search: TicketSearchService) {}

  @Get()
  @ApiOperation({
    summary: 'List and search tickets',
    description:
      'Trashed tickets are never listed. Pages are keyset-paginated on (sort value, id): a ticket created between two reads neither repeats nor hides another. With `q`, tickets matching the words in their subject, description or comments, ranked (subject first, then description, then comments).',
  })
  @ApiOkResponse({ type: TicketListPageDto })
  @ApiBadRequestResponse({ description: '`validation_failed`: an invalid filter, sort, limit or cursor' })
  @JsonTextResponse()
  list(
    @CurrentTenant() tenant: TenantContext,
    @Query() query: TicketListQueryDto,
  ): Promise<JsonText<TicketListPageDto>> {
    return this.search.list(tenant, query);
  }

  @Get('counts')
  @ApiOperation({
    summary: 'Inbox counters',
    description:
      'Tickets per status, and unresolved tickets assigned to the caller, to nobody, and overdue. Trashed tickets are not counted.',
  })
  @ApiOkResponse({ type: TicketCountsDto })
  counts(@CurrentTenant() tenant: TenantContext): Promise<TicketCountsDto> {
    return this.search.counts(tenant);
  }
}
