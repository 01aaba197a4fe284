import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { TicketDto } from '../../dto/ticket.dto';

/** A ticket as lists show it: the ticket of `GET /v1/tickets/:id` without its description. */
export class TicketSummaryDto extends OmitType(TicketDto, ['description'] as const) {
  @ApiPropertyOptional({
    description: 'Full-text rank (only when searching with q); higher is more relevant',
    example: 0.6079,
  })
  rank?: number;
}

export class TicketListPageDto {
  @ApiProperty({ type: [TicketSummaryDto] }) items: TicketSummaryDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Opaque; pass as `cursor` for the next page (same filters and sort); null on the last one',
  })
  nextCursor: string | null;
}

export class TicketStatusCountsDto {
  @ApiProperty() NEW: number;
  @ApiProperty() OPEN: number;
  @ApiProperty() PENDING: number;
  @ApiProperty() ON_HOLD: number;
  @ApiProperty() SOLVED: number;
  @ApiProperty() CLOSED: number;
}

/** The inbox's counters; trashed tickets are never counted. */
export class TicketCountsDto {
  @ApiProperty({ type: TicketStatusCountsDto }) byStatus: TicketStatusCountsDto;
  @ApiProperty({ description: 'Every ticket that is not in the trash' }) total: number;
  @ApiProperty({ description: 'Unresolved tickets (not SOLVED or CLOSED) assigned to the caller' }) mine: number;
  @ApiProperty({ description: 'Unresolved tickets (not SOLVED or CLOSED) assigned to nobody' }) unassigned: number;
  @ApiProperty({ description: 'Unresolved tickets past their resolution due time' }) overdue: number;
}
