import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsEnum,
  IsUUID,
  ValidateNested,
} from 'class-validator';
import { TicketPriority, TicketStatus } from '@helpdeskly/database';
import { Optional } from '../../contacts/dto/validation';
import { AssigneeChange, TagNames } from './ticket.dto';

export class BulkChangesDto {
  @ApiPropertyOptional({ enum: TicketStatus })
  @Optional()
  @IsEnum(TicketStatus)
  status?: TicketStatus;

  @AssigneeChange()
  assigneeId?: string | null;

  @ApiPropertyOptional({ enum: TicketPriority })
  @Optional()
  @IsEnum(TicketPriority)
  priority?: TicketPriority;

  @ApiPropertyOptional({ type: [String], description: 'Tags to add (created when new)' })
  @Optional()
  @TagNames(20)
  addTags?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Tags to remove' })
  @Optional()
  @TagNames(20)
  removeTags?: string[];
}

export class BulkUpdateDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  ticketIds: string[];

  @ApiProperty({ type: BulkChangesDto, description: 'At least one change' })
  @IsDefined()
  @ValidateNested()
  @Type(() => BulkChangesDto)
  changes: BulkChangesDto;
}

export class BulkTicketResultDto {
  @ApiProperty({ format: 'uuid' }) ticketId: string;
  @ApiProperty({ description: 'True when this ticket could take the changes' }) ok: boolean;
  @ApiPropertyOptional({ description: 'The new version (on success)' }) version?: number;
  @ApiPropertyOptional({ description: 'Why this ticket refused the changes: `ticket_not_found`, `invalid_transition`' })
  error?: string;
  @ApiPropertyOptional() detail?: string;
}

export class BulkResultDto {
  @ApiProperty({ type: [BulkTicketResultDto], description: 'One per ticket, in the order asked' })
  results: BulkTicketResultDto[];
}
