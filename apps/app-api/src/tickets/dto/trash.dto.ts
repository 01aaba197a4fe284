import { ApiProperty } from '@nestjs/swagger';
import { TicketDto } from './ticket.dto';

export class TrashedTicketDto extends TicketDto {
  @ApiProperty({ type: String, format: 'date-time' }) deletedAt: Date;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) deletedById: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'Purged by hand, or no longer restorable, after this',
  })
  restorableUntil: Date;
}

export class TrashPageDto {
  @ApiProperty({ type: [TrashedTicketDto] }) items: TrashedTicketDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}
