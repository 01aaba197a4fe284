import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '@helpdeskly/errors';
import { CurrentTenant, type TenantContext } from '../tenancy/tenant-context';
import { TicketsErrorCode } from '../tickets/tickets.errors';
import { AttachmentsErrorCode } from '../attachments/attachments.errors';
import { CommentsErrorCode } from './comments.errors';
import { CommentsService } from './comments.service';
import {
  CommentDto,
  CommentListQueryDto,
  CommentPageDto,
  CommentTicketParamsDto,
  CreateCommentDto,
} from './dto/comment.dto';

@ApiTags('comments')
@ApiBearerAuth()
@Controller('tickets/:id/comments')
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Post()
  @ApiOperation({
    summary: 'Reply to a ticket or add an internal note',
    description:
      'The first PUBLIC reply of an agent sets firstRespondedAt; a reply logged `asRequester` reopens a PENDING or SOLVED ticket; internal notes never change the status. `attachmentIds` attaches pending uploads of the caller (POST /v1/uploads) with the comment, all or none. Bodies are stored and returned as written, in JSON: clients must render them as text, or Markdown through a sanitizing renderer, never as raw HTML.',
  })
  @ApiCreatedResponse({ type: CommentDto })
  @ApiNotFoundResponse({ description: '`ticket_not_found` (also for a ticket in the trash)' })
  @ApiProblems(
    CommentsErrorCode.TicketClosed,
    CommentsErrorCode.RequesterCommentInternal,
    AttachmentsErrorCode.TooManyAttachments,
    AttachmentsErrorCode.UploadNotUsable,
  )
  create(
    @CurrentTenant() tenant: TenantContext,
    @Param() params: CommentTicketParamsDto,
    @Body() dto: CreateCommentDto,
  ): Promise<CommentDto> {
    return this.comments.create(tenant, params.id, dto);
  }

  @Get()
  @ApiOperation({ summary: "A ticket's comments", description: 'Oldest first, cursor-paginated.' })
  @ApiOkResponse({ type: CommentPageDto })
  @ApiProblems(TicketsErrorCode.TicketNotFound)
  list(@Param() params: CommentTicketParamsDto, @Query() query: CommentListQueryDto): Promise<CommentPageDto> {
    return this.comments.list(params.id, query.cursor, query.limit);
  }
}
