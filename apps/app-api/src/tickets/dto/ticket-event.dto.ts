import { ApiProperty } from '@nestjs/swagger';
import type { TicketEvent } from '@helpdeskly/database';

export class TicketEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The agent who made the change' })
  actorUserId: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The contact who made the change (a requester reply)',
  })
  actorContactId: string | null;
  @ApiProperty({
    example: 'status',
    description: '`created`, a field name (`status`, `assigneeId`, `tags`...), `comment`, `deleted`, `restored`',
  })
  field: string;
  @ApiProperty({ type: String, nullable: true, example: 'NEW' }) fromValue: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'OPEN' }) toValue: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

export class TicketEventListDto {
  @ApiProperty({ type: [TicketEventDto], description: 'Oldest first' }) items: TicketEventDto[];
}

export const toTicketEventDto = (e: TicketEvent): TicketEventDto => ({
  id: e.id,
  actorUserId: e.actorUserId,
  actorContactId: e.actorContactId,
  field: e.field,
  fromValue: e.fromValue,
  toValue: e.toValue,
  createdAt: e.createdAt,
});
