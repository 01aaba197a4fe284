import { Injectable } from '@nestjs/common';
import { type Sql, sqltag as sql } from '@prisma/client/runtime/client';
import type { Attachment, TenantPrisma, Upload } from '@helpdeskly/database';
import { type SqlSession, TenantDatabase } from '@helpdeskly/tenant-data';

/** What a claim makes of the pending uploads: the attachments of one comment, or of a new ticket. */
export interface UploadClaim {
  readonly ids: readonly string[];
  /** Only the uploader's own pending, unexpired uploads are taken. */
  readonly userId: string;
  readonly ticketId: string;
  /** Null for the files of a new ticket's description. */
  readonly commentId: string | null;
  /** The comment's (or ticket's) time; the files follow it a millisecond apart, in the order of `ids`. */
  readonly createdAt: Date;
}

/** Pending uploads (POST /v1/uploads): files stored but not on any ticket yet. */
@Injectable()
export class UploadsRepository {
  constructor(private readonly db: TenantDatabase) {}

  /** The member's uploads not attached and not expired, oldest first. */
  listPending(userId: string): Promise<Upload[]> {
    return this.db.client().upload.findMany({
      where: { userId, expiresAt: { gt: new Date() } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  async insertMany(rows: readonly Upload[]): Promise<void> {
    await this.db.client().upload.createMany({ data: [...rows] });
  }

  /**
   * Makes the uploads of `claim` attachments of its comment, inside the comment's transaction: the
   * rows move from uploads to attachments with their ids and objects, so a concurrent claim of the
   * same upload waits for this one and then finds nothing. Answers the attachments made; the ids
   * missing from them were unknown, expired, someone else's or already used.
   */
  claim(tx: TenantPrisma.TransactionClient, claim: UploadClaim): Promise<Attachment[]> {
    return tx.$queryRaw<Attachment[]>(claimSql(claim));
  }

  /** {@link claim} in a transaction of SQL statements (the ticket insert's). */
  claimIn(tx: SqlSession, claim: UploadClaim): Promise<Attachment[]> {
    return tx.query<Attachment>(claimSql(claim), 'uploadsClaim');
  }

  /**
   * Deletes the member's pending upload: `deleteObject` runs with the row locked (a concurrent
   * claim waits, then finds nothing) and the row goes only once it succeeded. False when the
   * member has no such upload.
   */
  discard(id: string, userId: string, deleteObject: (storageKey: string) => Promise<void>): Promise<boolean> {
    return this.db.client().$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<Array<{ storageKey: string }>>(
        sql`SELECT storage_key AS "storageKey" FROM uploads WHERE id = ${id}::uuid AND user_id = ${userId}::uuid FOR UPDATE`,
      );
      if (!row) return false;
      await deleteObject(row.storageKey);
      await tx.upload.delete({ where: { id } });
      return true;
    });
  }
}

function claimSql(claim: UploadClaim): Sql {
  return sql`
    WITH wanted AS (SELECT id, ord FROM unnest(${[...claim.ids]}::uuid[]) WITH ORDINALITY AS w(id, ord)),
    taken AS (
      DELETE FROM uploads u USING wanted w
      WHERE u.id = w.id AND u.user_id = ${claim.userId}::uuid AND u.expires_at > now()
      RETURNING u.*, w.ord
    )
    INSERT INTO attachments (id, ticket_id, comment_id, filename, content_type, size, sha256, storage_key, inline, created_at)
    SELECT id, ${claim.ticketId}::uuid, ${claim.commentId}::uuid, filename, content_type, size, sha256, storage_key, false,
           ${claim.createdAt}::timestamptz + (ord - 1) * interval '1 millisecond'
    FROM taken
    RETURNING id, ticket_id AS "ticketId", comment_id AS "commentId", inbound_email_id AS "inboundEmailId", filename,
              content_type AS "contentType", size, sha256, storage_key AS "storageKey", inline, content_id AS "contentId",
              created_at AS "createdAt"`;
}
