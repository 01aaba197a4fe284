import { Injectable } from '@nestjs/common';
import { sqltag as sql } from '@prisma/client/runtime/client';
import { tenantPrefix } from '@helpdeskly/storage';
import { TenantDatabase } from '@helpdeskly/tenant-data';

export interface TenantPurgeCounts {
  readonly tickets: number;
  readonly idempotencyKeys: number;
  /** Objects of the purged tickets deleted from object storage (their attachments). */
  readonly files: number;
  /** Expired pending uploads (POST /v1/uploads) deleted, rows and objects. */
  readonly uploads: number;
  /** Raw copies of messages that made no ticket, deleted past INBOUND_RAW_RETENTION_DAYS (their records stay). */
  readonly rawMessages: number;
}

/** A ticket to purge, and its objects that are not under its prefix (which goes whole). */
export interface TicketToPurge {
  readonly id: string;
  /** The raw copies of the messages it was made of. */
  readonly rawKeys: readonly string[];
  /** Its attachments that were pending uploads (they keep their key under the tenant's uploads/). */
  readonly attachmentKeys: readonly string[];
}

/** Expired uploads, and raw copies past their retention, purged at most per tenant and day; the rest waits for the next day. */
const UPLOADS_PER_PURGE = 1000;
const RAW_MESSAGES_PER_PURGE = 1000;

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
      tickets: readonly TicketToPurge[],
    ) => Promise<{ readonly done: readonly string[]; readonly files: number }>,
  ): Promise<Omit<TenantPurgeCounts, 'uploads' | 'rawMessages'>> {
    return this.db.run({ tenantId }, async () => {
      // Comments, events, tags and attachment rows of a ticket go with it (ON DELETE CASCADE). The
      // database's clock decides, as it stamped deleted_at and expires_at.
      // With the raw copies of the messages each ticket was made of (their inbound_emails rows go
      // with it), and the attachments outside the ticket's prefix (they were pending uploads).
      const ticketsPrefix = `${tenantPrefix(tenantId)}tickets/`;
      const expired = await this.db.query<TicketToPurge>(
        sql`SELECT t.id,
                   ARRAY(SELECT e.raw_key FROM inbound_emails e WHERE e.ticket_id = t.id AND e.raw_key IS NOT NULL) AS "rawKeys",
                   ARRAY(SELECT a.storage_key FROM attachments a
                         WHERE a.ticket_id = t.id AND left(a.storage_key, length(${ticketsPrefix} || t.id || '/')) <> ${ticketsPrefix} || t.id || '/') AS "attachmentKeys"
            FROM tickets t
            WHERE t.deleted_at < now() - make_interval(days => ${trashRetentionDays})`,
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

  /**
   * Deletes the tenant's expired pending uploads: `deleteObjects` runs with their rows locked, and
   * the rows go only once it succeeded. An upload that a comment is attaching right now is locked
   * by that transaction and skipped (it is an attachment a moment later); one that a comment tries
   * to attach while it is purged waits, then finds nothing (422).
   */
  purgeExpiredUploads(tenantId: string, deleteObjects: (keys: readonly string[]) => Promise<void>): Promise<number> {
    return this.db.run({ tenantId }, () =>
      this.db.transaction(async (tx) => {
        const expired = await tx.query<{ id: string; storageKey: string }>(
          sql`SELECT id, storage_key AS "storageKey" FROM uploads WHERE expires_at < now()
              ORDER BY expires_at LIMIT ${UPLOADS_PER_PURGE} FOR UPDATE SKIP LOCKED`,
          'purgeUploadsFind',
        );
        if (expired.length === 0) return 0;
        await deleteObjects(expired.map((u) => u.storageKey));
        const [gone] = await tx.query<{ count: number }>(
          sql`WITH gone AS (DELETE FROM uploads WHERE id = ANY(${expired.map((u) => u.id)}::uuid[]) RETURNING 1)
              SELECT count(*)::int AS count FROM gone`,
          'purgeUploads',
        );
        return gone.count;
      }),
    );
  }

  /**
   * Forgets the raw copies of the messages that made no ticket or comment (auto-replies, bulk
   * mail, bounces, refusals) received more than `retentionDays` ago: `deleteObjects` runs with
   * their records locked, and the records lose their key only once it succeeded; the records
   * themselves stay, for the tenant's admins. Copies of tickets' messages go with their ticket;
   * one still RECEIVED is being processed, and is left alone.
   */
  purgeRawMessages(
    tenantId: string,
    retentionDays: number,
    deleteObjects: (keys: readonly string[]) => Promise<void>,
  ): Promise<number> {
    return this.db.run({ tenantId }, () =>
      this.db.transaction(async (tx) => {
        const old = await tx.query<{ id: string; rawKey: string }>(
          sql`SELECT id, raw_key AS "rawKey" FROM inbound_emails
              WHERE ticket_id IS NULL AND raw_key IS NOT NULL AND outcome <> 'RECEIVED'
                AND received_at < now() - make_interval(days => ${retentionDays})
              ORDER BY received_at LIMIT ${RAW_MESSAGES_PER_PURGE} FOR UPDATE SKIP LOCKED`,
          'purgeRawMessagesFind',
        );
        if (old.length === 0) return 0;
        await deleteObjects(old.map((m) => m.rawKey));
        const [forgotten] = await tx.query<{ count: number }>(
          sql`WITH done AS (UPDATE inbound_emails SET raw_key = NULL WHERE id = ANY(${old.map((m) => m.id)}::uuid[]) RETURNING 1)
              SELECT count(*)::int AS count FROM done`,
          'purgeRawMessages',
        );
        return forgotten.count;
      }),
    );
  }
}
