import { Injectable } from '@nestjs/common';
import { type ControlPrisma, ControlDatabase } from '@helpdeskly/database';

/** The `settings` JSON of a tenant's row in the control database. */
@Injectable()
export class TenantSettingsRepository {
  constructor(private readonly db: ControlDatabase) {}

  /** The tenant's stored settings, or null when there is no such tenant. */
  find(tenantId: string): Promise<{ settings: unknown } | null> {
    return this.db.tenant.findUnique({ where: { id: tenantId }, select: { settings: true } });
  }

  /**
   * Replaces the tenant's settings with `change(current)` under a lock of its row, so that two
   * concurrent changes of different fields both land. Null when there is no such tenant.
   */
  async updateLocked(
    tenantId: string,
    change: (current: unknown) => Record<string, unknown>,
  ): Promise<{ before: unknown; after: unknown } | null> {
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<
        Array<{ settings: unknown }>
      >`SELECT settings FROM tenants WHERE id = ${tenantId}::uuid FOR UPDATE`;
      if (rows.length === 0) return null;
      const updated = await tx.tenant.update({
        where: { id: tenantId },
        data: { settings: change(rows[0].settings) as ControlPrisma.InputJsonObject },
        select: { settings: true },
      });
      return { before: rows[0].settings, after: updated.settings };
    });
  }
}
