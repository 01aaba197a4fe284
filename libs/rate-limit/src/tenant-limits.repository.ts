import { Injectable } from '@nestjs/common';
import { ControlDatabase, isUuid } from '@helpdeskly/database';
import type { TenantLimitsSource } from './plans';

/** A tenant's plan and rate-limit overrides, from the control database. */
@Injectable()
export class TenantLimitsRepository {
  constructor(private readonly db: ControlDatabase) {}

  async find(tenantId: string): Promise<TenantLimitsSource | null> {
    // Not a UUID: no such tenant (and no query error from PostgreSQL's uuid type).
    if (!isUuid(tenantId)) return null;
    const row = await this.db.tenant.findUnique({ where: { id: tenantId }, select: { plan: true, rateLimits: true } });
    return row ? { plan: row.plan, rateLimits: row.rateLimits } : null;
  }
}
