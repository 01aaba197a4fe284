import { Injectable } from '@nestjs/common';
import { sqltag as sql } from '@prisma/client/runtime/client';
import { TenantDatabase } from '@helpdeskly/tenant-data';

export interface TenantPurgeCounts {
  readonly tickets: number;
  readonly idempotencyKeys: number;
  /** Objects of the purged tickets deleted from object storage (their attachments). */
  readonly files: number;
}

/**
 * Deletes for good, in one tenant's database, what has outlived its retention. It goes the way
 * app-api goes (`TenantDatabase.run`: PgBouncer, as the gateway role, in the tenant's scope), so
 * the worker needs no admin credential to touch a tenant's tables.
 */
@Injectable()
export class TenantHousekeepingRepository {
  constructor(private readonly db: TenantDatabase) {}

  /**
   * `deleteFiles` is called with the tickets to purge (and their raw messages' keys) before their rows go, and answers
   * the ids whose files are gone: a ticket whose files could not be deleted stays in the trash
   * for the next purge, so no file outlives its ticket unseen.
   */
  purge(
    tenantId: string,
    trashRetentionDays: number,
    deleteFiles: (
      tickets: ReadonlyArray<{ readonly id: string; readonly rawKeys: readonly string[] }>,
    ) => Promise<{ readonly done: readonly string[]; readonly files: number }>,
  ): Promise<TenantPurgeCounts> {
    return this.db.run({ tenantId }, async () => {
      // Comments, events, tags and attachment rows of a ticket go with it (ON DELETE CASCADE). The
      // database's clock decides, as it stamped deleted_at and expires_at.
      // With the raw copies of the messages each ticket was made of (their inbound_emails rows go with it).
      const expired = await this.db.query<{ id: string; rawKeys: string[] }>(
        sql`SELECT t.id, coalesce(array_agg(e.raw_key) FILTER (WHERE e.raw_key IS NOT NULL), '{}') AS "rawKeys"
            FROM tickets t LEFT JOIN inbound_emails e ON e.ticket_id = t.id
            WHERE t.deleted_at < now() - make_interval(days => ${trashRetentionDays})
            GROUP BY t.id`,
        'purgeTrashFind',
      );
      const { done, files } = await deleteFiles(expired);
      const tickets = await this.db.query<{ count: number }>(
        sql`WITH gone AS (DELETE FROM tickets WHERE id = ANY(${[...done]}::uuid[]) RETURNING 1)
            SELECT count(*)::int AS count FROM gone`,
        'purgeTrash',
      );
      const keys = await this.db.query<{ count: number }>(
        sql`WITH gone AS (DELETE FROM idempotency_keys WHERE expires_at < now() RETURNING 1)
            SELECT count(*)::int AS count FROM gone`,
        'purgeIdempotencyKeys',
      );
      return { tickets: tickets[0].count, idempotencyKeys: keys[0].count, files };
    });
  }
}
