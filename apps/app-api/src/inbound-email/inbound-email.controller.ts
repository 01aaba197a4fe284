import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthErrorCode, Roles } from '@helpdeskly/auth';
import { ApiProblems } from '@helpdeskly/errors';
import { AttachmentsErrorCode } from '../attachments/attachments.errors';
import { contentDisposition, sendUserFile } from '../attachments/attachment-file';
import { InboundEmailPageDto, InboundEmailParamsDto, ListInboundEmailsQueryDto } from './dto/inbound-email.dto';
import { InboundEmailErrorCode } from './inbound-email.errors';
import { InboundEmailService } from './inbound-email.service';

@ApiTags('inbound-email')
@ApiBearerAuth()
@Controller('inbound-emails')
export class InboundEmailController {
  constructor(private readonly inbound: InboundEmailService) {}

  @Get()
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({
    summary: 'Every message the tenant received by email, and what became of it',
    description:
      'Newest first: the tickets and comments it made, and the messages recorded without one (auto-replies, bulk, bounces, our own mail), with the reason.',
  })
  @ApiOkResponse({ type: InboundEmailPageDto })
  @ApiProblems(AuthErrorCode.InsufficientRole)
  list(@Query() query: ListInboundEmailsQueryDto): Promise<InboundEmailPageDto> {
    return this.inbound.list(query);
  }

  @Get(':id/html')
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({
    summary: "A received message's HTML, safe to show",
    description:
      "Sanitized (no script, style, form, frame or handler; links open elsewhere; no remote images, the message's own `cid:` images through their attachment), served with a sandboxing Content-Security-Policy. A message without HTML answers its text in a <pre>.",
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The HTML', schema: { type: 'string' } })
  @ApiProblems(
    AuthErrorCode.InsufficientRole,
    InboundEmailErrorCode.InboundEmailNotFound,
    AttachmentsErrorCode.StorageUnavailable,
  )
  async html(@Param() params: InboundEmailParamsDto, @Res() reply: FastifyReply): Promise<void> {
    const html = await this.inbound.html(params.id);
    await sendUserFile(
      reply,
      {
        contentType: 'text/html; charset=utf-8',
        // Its own images (the attachments' routes) and inline styles; still no script.
        contentSecurityPolicy: "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      },
      html,
    );
  }

  @Get(':id/raw')
  @Roles('OWNER', 'ADMIN')
  @ApiOperation({
    summary: 'A received message as it arrived',
    description:
      'The whole RFC 5322 message (message/rfc822), quotes, signatures and every part included, as a download.',
  })
  @ApiProduces('message/rfc822')
  @ApiOkResponse({ description: 'The message', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(
    AuthErrorCode.InsufficientRole,
    InboundEmailErrorCode.InboundEmailNotFound,
    AttachmentsErrorCode.StorageUnavailable,
  )
  async raw(@Param() params: InboundEmailParamsDto, @Res() reply: FastifyReply): Promise<void> {
    const message = await this.inbound.raw(params.id);
    await sendUserFile(
      reply,
      {
        contentType: 'message/rfc822',
        size: message.size,
        disposition: contentDisposition('attachment', `${params.id}.eml`),
      },
      message.body,
    );
  }
}
