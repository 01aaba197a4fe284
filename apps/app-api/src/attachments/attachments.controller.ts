import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '@helpdeskly/errors';
import { TicketParamsDto } from '../tickets/dto/ticket.dto';
import { TicketsErrorCode } from '../tickets/tickets.errors';
import { AttachmentsErrorCode } from './attachments.errors';
import { AttachmentsService } from './attachments.service';
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
    await reply
      .header('content-type', file.contentType)
      .header('content-length', String(file.size))
      .header('content-disposition', file.contentDisposition)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .send(file.body);
  }
}
