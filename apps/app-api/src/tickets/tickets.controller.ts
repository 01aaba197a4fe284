import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthErrorCode, Roles } from '@helpdeskly/auth';
import { ApiProblems } from '@helpdeskly/errors';
import { BulkResultDto, BulkUpdateDto } from './dto/bulk.dto';
import { type JsonText, JsonTextResponse } from '@helpdeskly/http';
import { CurrentTenant, type TenantContext } from '../tenancy/tenant-context';
import {
  CreateTicketDto,
  TicketDto,
  TicketIncludeQueryDto,
  TicketNumberParamsDto,
  TicketParamsDto,
  TicketWithCommentsDto,
  UpdateTicketDto,
} from './dto/ticket.dto';
import { TicketEventListDto } from './dto/ticket-event.dto';
import { BulkUpdateService } from './bulk-update.service';
import { etagOf } from './etag';
import { idempotencyKeyOf } from './idempotency';
import { AttachmentsErrorCode } from '../attachments/attachments.errors';
import { TicketsErrorCode } from './tickets.errors';
import { TicketsService } from './tickets.service';
import { TrashService } from './trash.service';

/** Every answer with a ticket carries its version as a weak ETag, for If-Match. */
const withEtag = (reply: FastifyReply, ticket: TicketDto): TicketDto => {
  reply.header('etag', etagOf(ticket.version));
  return ticket;
};

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly bulk: BulkUpdateService,
    private readonly trash: TrashService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a ticket',
    description:
      'The requester is an existing contact (requesterId) or an email (created as a contact when new). The ticket is NEW, or OPEN when created with an assignee; its due times come from the SLA targets of its priority. With `Idempotency-Key`, a retry with the same body (within 24 h, by the same user) answers the first response and creates nothing.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1 to 255 visible ASCII characters, unique per intended ticket',
  })
  @ApiCreatedResponse({
    type: TicketDto,
    description:
      'Created (or the replay of the first answer to this Idempotency-Key, with `Idempotent-Replayed: true`)',
  })
  @ApiConflictResponse({
    description: '`idempotency_key_in_progress`: the first request with this key is still running',
  })
  @ApiProblems(
    TicketsErrorCode.AssigneeNotMember,
    TicketsErrorCode.RequesterNotFound,
    TicketsErrorCode.IdempotencyKeyReused,
    AttachmentsErrorCode.TooManyAttachments,
    AttachmentsErrorCode.UploadNotUsable,
  )
  @JsonTextResponse()
  async create(
    @CurrentTenant() tenant: TenantContext,
    @Body() dto: CreateTicketDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JsonText<TicketDto>> {
    const result = await this.tickets.create(tenant, dto, idempotencyKeyOf(key));
    reply.status(result.status).header('etag', etagOf(result.version));
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Post('bulk')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Change up to 100 tickets at once',
    description:
      "All or nothing: when one ticket refuses (not found, invalid transition), none is changed and the 422 lists each ticket's result.",
  })
  @ApiOkResponse({ type: BulkResultDto })
  @ApiUnprocessableEntityResponse({ description: '`bulk_failed` (with `results`), `assignee_not_member`' })
  @ApiConflictResponse({ description: '`concurrent_update`: the tickets kept changing meanwhile' })
  bulkUpdate(@CurrentTenant() tenant: TenantContext, @Body() dto: BulkUpdateDto): Promise<BulkResultDto> {
    return this.bulk.update(tenant, dto);
  }

  @Get('number/:number')
  @ApiOperation({ summary: 'A ticket by its number' })
  @ApiOkResponse({ type: TicketDto, headers: { ETag: { description: 'W/"<version>"' } } })
  @ApiNotFoundResponse({ description: '`ticket_not_found` (also for a ticket in the trash)' })
  async getByNumber(
    @Param() params: TicketNumberParamsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TicketDto> {
    return withEtag(reply, await this.tickets.getByNumber(params.number));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A ticket',
    description:
      'With `include=comments`, also the first page of its comments (oldest first, 50), so a client opening a ticket needs one request.',
  })
  @ApiOkResponse({ type: TicketWithCommentsDto, headers: { ETag: { description: 'W/"<version>"' } } })
  @ApiNotFoundResponse({ description: '`ticket_not_found` (also for a ticket in the trash)' })
  @JsonTextResponse()
  async get(
    @Param() params: TicketParamsDto,
    @Query() query: TicketIncludeQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JsonText<TicketWithCommentsDto>> {
    const { json, version } = await this.tickets.get(params.id, query.include);
    reply.header('etag', etagOf(version));
    return json;
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a ticket',
    description:
      'Conditional on `If-Match` (the ETag of the version you changed). Status transitions: NEW → OPEN, PENDING, ON_HOLD, SOLVED; OPEN, PENDING, ON_HOLD → each other or SOLVED; SOLVED → OPEN or CLOSED; CLOSED is final. A NEW ticket given an assignee becomes OPEN. One event per changed field.',
  })
  @ApiHeader({ name: 'If-Match', required: true, description: 'W/"<version>", from the ETag of the ticket' })
  @ApiOkResponse({ type: TicketDto, headers: { ETag: { description: 'W/"<version>"' } } })
  @ApiPreconditionFailedResponse({
    description: '`version_mismatch`: changed meanwhile (the current ETag is in the answer)',
  })
  @ApiResponse({ status: 428, description: '`precondition_required`: no If-Match' })
  @ApiProblems(TicketsErrorCode.TicketNotFound, TicketsErrorCode.InvalidTransition, TicketsErrorCode.AssigneeNotMember)
  async update(
    @CurrentTenant() tenant: TenantContext,
    @Param() params: TicketParamsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateTicketDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TicketDto> {
    return withEtag(reply, await this.tickets.update(tenant, params.id, ifMatch, dto));
  }

  @Get(':id/events')
  @ApiOperation({
    summary: "A ticket's history",
    description: 'Who changed which field from what to what, and when; oldest first.',
  })
  @ApiOkResponse({ type: TicketEventListDto })
  @ApiProblems(TicketsErrorCode.TicketNotFound)
  events(@Param() params: TicketParamsDto): Promise<TicketEventListDto> {
    return this.tickets.events(params.id);
  }

  @Delete(':id')
  @Roles('OWNER', 'ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Move a ticket to the trash',
    description: 'Restorable for 30 days; until then it is 404 for every other route.',
  })
  @ApiNoContentResponse({ description: 'In the trash' })
  @ApiProblems(AuthErrorCode.InsufficientRole, TicketsErrorCode.TicketNotFound)
  remove(@CurrentTenant() tenant: TenantContext, @Param() params: TicketParamsDto): Promise<void> {
    return this.trash.trash(tenant, params.id);
  }

  @Post(':id/restore')
  @Roles('OWNER', 'ADMIN')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Restore a ticket from the trash', description: 'Within 30 days of its deletion.' })
  @ApiOkResponse({ type: TicketDto })
  @ApiProblems(AuthErrorCode.InsufficientRole, TicketsErrorCode.NotInTrash, TicketsErrorCode.RestoreExpired)
  async restore(
    @CurrentTenant() tenant: TenantContext,
    @Param() params: TicketParamsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TicketDto> {
    return withEtag(reply, await this.trash.restore(tenant, params.id));
  }
}
