import { Module } from '@nestjs/common';
import { TenantSettingsController } from './tenant-settings.controller';
import { TenantSettingsRepository } from './tenant-settings.repository';
import { TenantSettingsService } from './tenant-settings.service';

/** The account settings of the token's tenant (2FA rule, email sender name), kept on its control database row. */
@Module({ controllers: [TenantSettingsController], providers: [TenantSettingsRepository, TenantSettingsService] })
export class TenantSettingsModule {}
