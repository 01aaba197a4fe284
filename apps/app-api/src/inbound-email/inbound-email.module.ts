import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { CommentsModule } from '../comments/comments.module';
import { TicketsModule } from '../tickets/tickets.module';
import { InboundEmailController } from './inbound-email.controller';
import { InboundEmailRepository } from './inbound-email.repository';
import { InboundEmailService } from './inbound-email.service';
import { InboundSmtpServer } from './inbound-smtp.server';

/** Mail to tickets: the inbound SMTP server (INBOUND_SMTP_PORT) and the rules of each message. */
@Module({
  imports: [TicketsModule, CommentsModule, AttachmentsModule],
  controllers: [InboundEmailController],
  providers: [InboundEmailRepository, InboundEmailService, InboundSmtpServer],
  exports: [InboundSmtpServer],
})
export class InboundEmailModule {}
