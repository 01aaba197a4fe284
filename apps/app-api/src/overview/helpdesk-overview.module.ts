import { Module } from '@nestjs/common';
import { HelpdeskOverviewController } from './helpdesk-overview.controller';
import { HelpdeskOverviewRepository } from './helpdesk-overview.repository';
import { HelpdeskOverviewService } from './helpdesk-overview.service';

/** `GET /v1/helpdesk`: the overview of the token's tenant a client loads at start-up. */
@Module({
  controllers: [HelpdeskOverviewController],
  providers: [HelpdeskOverviewService, HelpdeskOverviewRepository],
})
export class HelpdeskOverviewModule {}
