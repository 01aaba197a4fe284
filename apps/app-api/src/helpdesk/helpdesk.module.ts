import { Module } from '@nestjs/common';
import { HelpdeskController } from './helpdesk.controller';
import { HelpdeskRepository } from './helpdesk.repository';
import { HelpdeskService } from './helpdesk.service';

@Module({ controllers: [HelpdeskController], providers: [HelpdeskService, HelpdeskRepository] })
export class HelpdeskModule {}
