import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsUUID } from 'class-validator';
import { type InboundEmail, InboundEmailOutcome } from '@helpdeskly/database';
import { PageQueryDto } from '../../contacts/dto/contact.dto';
import { Optional } from '../../contacts/dto/validation';

export class InboundEmailParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export class ListInboundEmailsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: InboundEmailOutcome, description: 'Only the messages of this outcome' })
  @Optional()
  @IsEnum(InboundEmailOutcome)
  outcome?: InboundEmailOutcome;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the messages of this ticket' })
  @Optional()
  @IsUUID()
  ticketId?: string;
}

export class InboundEmailDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '<CAF=abc@mail.example.com>', description: 'Synthesized from the bytes when it had none' })
  messageId: string;
  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' }) fromAddress: string | null;
  @ApiProperty({ example: 'acme@inbound.example.com', description: 'The address of ours it was sent to' })
  recipient: string;
  @ApiProperty() subject: string;
  @ApiProperty({
    enum: InboundEmailOutcome,
    description:
      'TICKET_CREATED, COMMENT_ADDED, FOLLOW_UP_CREATED; recorded only: DUPLICATE is never stored (a second delivery changes nothing), AUTO_REPLY, BULK, OWN_ADDRESS, BOUNCE, REFUSED; RECEIVED while it is being processed',
  })
  outcome: InboundEmailOutcome;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was recorded only, or how a reply was threaded' })
  reason: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ticketId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) commentId: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt: Date;
  @ApiProperty({
    description:
      'Whether /raw and /html can answer: a message that made no ticket keeps its raw copy INBOUND_RAW_RETENTION_DAYS, one of a ticket as long as its ticket',
  })
  rawKept: boolean;
}

export class InboundEmailPageDto {
  @ApiProperty({ type: [InboundEmailDto] }) items: InboundEmailDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}

export const toInboundEmailDto = (e: InboundEmail): InboundEmailDto => ({
  id: e.id,
  messageId: e.messageId,
  fromAddress: e.fromAddress,
  recipient: e.recipient,
  subject: e.subject,
  outcome: e.outcome,
  reason: e.reason,
  ticketId: e.ticketId,
  commentId: e.commentId,
  receivedAt: e.receivedAt,
  rawKept: e.rawKey !== null,
});
