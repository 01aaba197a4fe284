import { Injectable } from '@nestjs/common';
import { sqltag as sql } from '@prisma/client/runtime/client';
import { TenantDatabase } from '@helpdeskly/tenant-data';

export interface TenantPurgeCounts {
  readonly tickets: number;
  readonly idempotencyKeys: number;
}

/**
 * Deletes for good, in one tenant's database, what has outlived its retention. It goes the way
 * app-api goes (`TenantDatabase.run`: PgBouncer, as the gateway role, in the tenant's scope), so
 * the worker needs no admin credential to touch a tenant's tables.
 */
@Injectable()
export class TenantHousekeepingRepository {
  constructor(private readonly db: TenantDatabase) {}

  purge(tenantId: string, trashRetentionDays: number): Promise<TenantPurgeCounts> {
    return this.db.run({ tenantId }, async () => {
      // Comments, events and tags of a ticket go with it (ON DELETE CASCADE). The database's clock
      // decides, as it stamped deleted_at and expires_at.
      const tickets = await this.db.query<{ count: number }>(
        sql`WITH gone AS (DELETE FROM tickets WHERE deleted_at < now() - make_interval(days => ${trashRetentionDays}) RETURNING 1)
            SELECT count(*)::int AS count FROM gone`,
        'purgeTrash',
      );
      const keys = await this.db.query<{ count: number }>(
        sql`WITH gone AS (DELETE FROM idempotency_keys WHERE expires_at < now() RETURNING 1)
            SELECT count(*)::int AS count FROM gone`,
        'purgeIdempotencyKeys',
      );
      return { tickets: tickets[0].count, idempotencyKeys: keys[0].count };
    });
  }
}
