import { Module } from '@nestjs/common';
import { StorageModule } from '@helpdeskly/storage';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { UploadsController } from './uploads.controller';
import { UploadsRepository } from './uploads.repository';

/** Files of tickets and members' pending uploads, in object storage (@helpdeskly/storage), served to the tenant's members. */
@Module({
  imports: [StorageModule],
  controllers: [AttachmentsController, UploadsController],
  providers: [AttachmentsRepository, UploadsRepository, AttachmentsService],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
