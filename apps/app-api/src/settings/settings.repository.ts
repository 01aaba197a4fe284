import { Injectable } from '@nestjs/common';
import type { TenantPrisma } from '@helpdeskly/database';
import { TenantDatabase } from '@helpdeskly/tenant-data';

/** The tenant's settings table: one JSON value per key. */
@Injectable()
export class SettingsRepository {
  constructor(private readonly db: TenantDatabase) {}

  async get(key: string): Promise<unknown> {
    return (await this.db.client().setting.findUnique({ where: { key } }))?.value;
  }

  async put(key: string, value: TenantPrisma.InputJsonValue): Promise<void> {
    await this.db.client().setting.upsert({ where: { key }, create: { key, value }, update: { value } });
  }
}
