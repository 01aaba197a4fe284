import { Module } from '@nestjs/common';
import { SettingsController } from './settings.controller';
import { SettingsRepository } from './settings.repository';
import { SlaSettingsService } from './sla-settings.service';

/** The tenant's helpdesk settings (SLA targets). */
@Module({
  controllers: [SettingsController],
  providers: [SettingsRepository, SlaSettingsService],
  exports: [SlaSettingsService],
})
export class SettingsModule {}
