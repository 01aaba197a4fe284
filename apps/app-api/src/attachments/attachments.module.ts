import { Module } from '@nestjs/common';
import { StorageModule } from '@helpdeskly/storage';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';

/** Files of tickets, in object storage (@helpdeskly/storage), served to the tenant's members. */
@Module({
  imports: [StorageModule],
  controllers: [AttachmentsController],
  providers: [AttachmentsRepository, AttachmentsService],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
