import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '@helpdeskly/errors';
import { TicketParamsDto } from '../tickets/dto/ticket.dto';
import { TicketsErrorCode } from '../tickets/tickets.errors';
import { AttachmentsErrorCode } from './attachments.errors';
import { sendUserFile } from './attachment-file';
import { AttachmentsErrorCode as Codes } from './attachments.errors';
import { AttachmentsService } from './attachments.service';
import { FILE_PARTS_BODY, readUploadedFiles } from './multipart-files';
import { CurrentTenant, type TenantContext } from '../tenancy/tenant-context';
import { AttachmentDto, AttachmentListDto, AttachmentParamsDto } from './dto/attachment.dto';

@ApiTags('attachments')
@ApiBearerAuth()
@Controller()
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Get('tickets/:id/attachments')
  @ApiOperation({
    summary: "A ticket's files",
    description: 'Oldest first: those of the message that opened it, then of its comments.',
  })
  @ApiOkResponse({ type: AttachmentListDto })
  @ApiProblems(TicketsErrorCode.TicketNotFound)
  list(@Param() params: TicketParamsDto): Promise<AttachmentListDto> {
    return this.attachments.listOfTicket(params.id);
  }

  @Post('tickets/:id/attachments')
  @ApiOperation({
    summary: 'Upload files to a ticket',
    description:
      'multipart/form-data with one or more parts named `file`, at most ATTACHMENT_MAX_FILES of ATTACHMENT_MAX_BYTES each; all are kept or none. The type is sniffed from the bytes and the name sanitized.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_PARTS_BODY)
  @ApiCreatedResponse({ type: AttachmentListDto })
  @ApiProblems(
    TicketsErrorCode.TicketNotFound,
    Codes.NotMultipart,
    Codes.MalformedMultipart,
    Codes.NoFile,
    Codes.EmptyFile,
    Codes.QuotaExceeded,
    Codes.StorageUnavailable,
  )
  async upload(
    @CurrentTenant() tenant: TenantContext,
    @Param() params: TicketParamsDto,
    @Req() request: FastifyRequest,
  ): Promise<AttachmentListDto> {
    return this.attachments.upload(tenant.tenantId, params.id, await readUploadedFiles(request));
  }

  @Get('attachments/:id')
  @ApiOperation({ summary: 'One file: its name, sniffed type and size' })
  @ApiOkResponse({ type: AttachmentDto })
  @ApiProblems(AttachmentsErrorCode.AttachmentNotFound)
  get(@Param() params: AttachmentParamsDto): Promise<AttachmentDto> {
    return this.attachments.get(params.id);
  }

  @Get('attachments/:id/content')
  @ApiOperation({
    summary: "A file's bytes",
    description:
      'Streamed with its sniffed type. Raster images are served inline; everything else (HTML, SVG, PDF, executables...) as a download (`Content-Disposition: attachment`), always with `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy.',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The bytes', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(AttachmentsErrorCode.AttachmentNotFound, AttachmentsErrorCode.StorageUnavailable)
  async content(@Param() params: AttachmentParamsDto, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.attachments.download(params.id);
    await sendUserFile(
      reply,
      { contentType: file.contentType, size: file.size, disposition: file.contentDisposition },
      file.body,
    );
  }
}
