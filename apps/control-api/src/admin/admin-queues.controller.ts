import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { type AuthContext, CurrentAuth, PlatformAdmin } from '@helpdeskly/auth';
import { Client, type ClientInfo } from '../common/client-info';
import { QueuesErrorCode } from './admin-queues.errors';
import { AdminQueuesService } from './admin-queues.service';
import {
  JobDto,
  JobListDto,
  JobListQueryDto,
  JobParamsDto,
  QueueListDto,
  QueueParamsDto,
  TenantMigrationsEnqueuedDto,
} from './dto/admin-queues.dto';

/** The job queues (BullMQ on REDIS_URL), for platform admins. */
@ApiTags('admin')
@ApiBearerAuth()
@ApiForbiddenResponse({
  description: '`insufficient_role`: not a platform administrator; `admin_two_factor_required`: TOTP not enabled yet',
})
@ApiServiceUnavailableResponse({ description: '`queue_unavailable`: Redis does not answer' })
@PlatformAdmin()
@Controller('admin')
export class AdminQueuesController {
  constructor(private readonly queues: AdminQueuesService) {}

  @Get('queues')
  @ApiOperation({ summary: 'Every queue with its job counts' })
  @ApiOkResponse({ type: QueueListDto })
  list(): Promise<QueueListDto> {
    return this.queues.list();
  }

  @Get('queues/:queue/jobs')
  @ApiOperation({
    summary: 'Jobs of a queue in one state',
    description: 'Newest first; data with links, tokens and passwords masked.',
  })
  @ApiOkResponse({ type: JobListDto })
  @ApiProblems(QueuesErrorCode.QueueNotFound)
  jobs(@Param() params: QueueParamsDto, @Query() query: JobListQueryDto): Promise<JobListDto> {
    return this.queues.jobs(params.queue, query);
  }

  @Get('queues/:queue/jobs/:id')
  @ApiOperation({ summary: 'One job' })
  @ApiOkResponse({ type: JobDto })
  @ApiProblems(QueuesErrorCode.QueueNotFound, QueuesErrorCode.JobNotFound)
  job(@Param() params: JobParamsDto): Promise<JobDto> {
    return this.queues.job(params.queue, params.id);
  }

  @Post('queues/:queue/jobs/:id/retry')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Retry a failed job', description: 'It gets its full number of attempts again. Audited.' })
  @ApiOkResponse({ type: JobDto })
  @ApiProblems(QueuesErrorCode.QueueNotFound, QueuesErrorCode.JobNotFound, QueuesErrorCode.JobNotFailed)
  retry(
    @CurrentAuth() auth: AuthContext,
    @Param() params: JobParamsDto,
    @Client() client: ClientInfo,
  ): Promise<JobDto> {
    return this.queues.retry(auth, params.queue, params.id, client);
  }

  @Delete('queues/:queue/jobs/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Discard a job',
    description: 'Removes it whatever its state, except while it runs. Audited.',
  })
  @ApiNoContentResponse()
  @ApiProblems(QueuesErrorCode.QueueNotFound, QueuesErrorCode.JobNotFound, QueuesErrorCode.JobActive)
  discard(
    @CurrentAuth() auth: AuthContext,
    @Param() params: JobParamsDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.queues.discard(auth, params.queue, params.id, client);
  }

  @Post('tenant-migrations')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Migrate every tenant database that is behind',
    description:
      'One job per live tenant whose schema version is not the latest tenant migration, on the queue `tenant-migrations`; asking again queues nothing more. Audited.',
  })
  @ApiAcceptedResponse({ type: TenantMigrationsEnqueuedDto })
  enqueueTenantMigrations(
    @CurrentAuth() auth: AuthContext,
    @Client() client: ClientInfo,
  ): Promise<TenantMigrationsEnqueuedDto> {
    return this.queues.enqueueTenantMigrations(auth, client);
  }
}
