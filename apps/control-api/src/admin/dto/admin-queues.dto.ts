import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageLimit } from '@helpdeskly/http';
import { QUEUE_NAMES } from '@helpdeskly/queues';

export const JOB_LIST_STATES = ['failed', 'waiting', 'delayed', 'active', 'completed'] as const;
export type JobListState = (typeof JOB_LIST_STATES)[number];

export class QueueParamsDto {
  @ApiProperty({ enum: QUEUE_NAMES, description: 'An unknown name answers 404 `queue_not_found`' })
  @Matches(/^[a-z0-9-]{1,64}$/, { message: 'queue must be a queue name' })
  queue: string;
}

export class JobParamsDto extends QueueParamsDto {
  @ApiProperty({ example: 'migrate--0b6f3c1e-5d0e-4a53-a1e1-9f8a4c1b2d3e--20260101000000_init' })
  @Matches(/^[A-Za-z0-9:._-]{1,200}$/, { message: 'id must be a job id' })
  id: string;
}

export class JobListQueryDto {
  @ApiPropertyOptional({ enum: JOB_LIST_STATES, default: 'failed' })
  @IsOptional()
  @IsIn(JOB_LIST_STATES)
  state: JobListState = 'failed';

  @PageLimit({ default: 25 })
  limit: number = 25;
}

export class QueueCountsDto {
  @ApiProperty({ enum: QUEUE_NAMES }) name: string;
  @ApiProperty() waiting: number;
  @ApiProperty() active: number;
  @ApiProperty() delayed: number;
  @ApiProperty() failed: number;
  @ApiProperty() completed: number;
  @ApiProperty({ description: 'Whether the queue is paused (its waiting jobs are then held)' }) paused: boolean;
}

export class QueueListDto {
  @ApiProperty({ type: [QueueCountsDto] }) items: QueueCountsDto[];
}

/** A job as a platform admin sees it: its data with links, tokens and passwords masked. */
export class JobDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'migrate' }) name: string;
  @ApiProperty({ enum: QUEUE_NAMES }) queue: string;
  @ApiProperty({
    example: 'failed',
    description: 'waiting, active, delayed, failed, completed, prioritized, waiting-children or unknown',
  })
  state: string;
  @ApiProperty() attemptsMade: number;
  @ApiProperty({ description: 'Attempts allowed before it fails for good' }) attempts: number;
  @ApiProperty({ nullable: true, type: String }) failedReason: string | null;
  @ApiProperty({ nullable: true, type: String, description: "First line of the last failure's stack trace" })
  stacktrace: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Secrets masked' }) data: unknown;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) processedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When a delayed job becomes due' })
  runAt: Date | null;
}

export class JobListDto {
  @ApiProperty({ type: [JobDto] }) items: JobDto[];
}

export class TenantMigrationsEnqueuedDto {
  @ApiProperty({ nullable: true, type: String, example: '20260101000000_init' }) latestMigration: string | null;
  @ApiProperty({ description: 'Live tenants whose recorded schema version is not the latest' }) behind: number;
  @ApiProperty({ description: 'Jobs added by this request' }) enqueued: number;
  @ApiProperty({ description: 'Tenants that already had a job for this migration' }) alreadyQueued: number;
  @ApiProperty({ description: 'Of those, jobs in the failed set (retry them)' }) failed: number;
}
