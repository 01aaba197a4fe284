import { Module } from '@nestjs/common';
import { MailChannelsController } from './mail-channels.controller';
import { MailChannelsRepository } from './mail-channels.repository';
import { MailChannelsService } from './mail-channels.service';

/** The existing mailboxes a tenant connects over IMAP (fetched by the worker, libs/jobs). */
@Module({ controllers: [MailChannelsController], providers: [MailChannelsRepository, MailChannelsService] })
export class MailChannelsModule {}
