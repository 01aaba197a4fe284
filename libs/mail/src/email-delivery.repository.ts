import { Injectable } from '@nestjs/common';
import { ControlDatabase, EmailDeliveryState } from '@helpdeskly/database';

/** What {@link EmailDeliveryRepository.claim} found. */
export type DeliveryClaim =
  /** This attempt may send; `attempt` counts the claims so far, this one included. */
  | { readonly kind: 'claimed'; readonly attempt: number }
  /** The SMTP server accepted this Message-ID already. */
  | { readonly kind: 'sent'; readonly sentAt: Date | null }
  /** Another attempt claimed it and may still be talking to the server, until `claimedUntil`. */
  | { readonly kind: 'busy'; readonly claimedUntil: Date };

/** The send records of emails (email_deliveries, control database), by Message-ID. */
@Injectable()
export class EmailDeliveryRepository {
  constructor(private readonly db: ControlDatabase) {}

  /**
   * Claims the email for one attempt of at most `leaseMs`: inserts its row, or takes a SENDING one
   * whose last claim ended. One statement, so two attempts never both get the claim.
   */
  async claim(messageId: string, template: string, leaseMs: number): Promise<DeliveryClaim> {
    const [claimed] = await this.db.$queryRaw<Array<{ attempts: number }>>`
      INSERT INTO email_deliveries (message_id, template, claimed_until)
      VALUES (${messageId}, ${template}, now() + ${leaseMs}::int * interval '1 millisecond')
      ON CONFLICT (message_id) DO UPDATE
        SET attempts = email_deliveries.attempts + 1, attempted_at = now(), claimed_until = EXCLUDED.claimed_until
        WHERE email_deliveries.state = 'SENDING' AND (email_deliveries.claimed_until IS NULL OR email_deliveries.claimed_until <= now())
      RETURNING attempts`;
    if (claimed) return { kind: 'claimed', attempt: claimed.attempts };
    const row = await this.db.emailDelivery.findUniqueOrThrow({
      where: { messageId },
      select: { state: true, sentAt: true, claimedUntil: true },
    });
    if (row.state === EmailDeliveryState.SENT) return { kind: 'sent', sentAt: row.sentAt };
    // The claim may have ended since the insert: then the waiting attempt runs at once.
    return { kind: 'busy', claimedUntil: row.claimedUntil ?? new Date() };
  }

  /** The server accepted it: no attempt sends it again. */
  async markSent(messageId: string, smtpResponse: string): Promise<void> {
    await this.db.emailDelivery.update({
      where: { messageId },
      data: { state: EmailDeliveryState.SENT, sentAt: new Date(), claimedUntil: null, smtpResponse },
    });
  }

  /**
   * Deletes the records created before `cutoff` that no attempt holds (SENT, or SENDING with no
   * live claim), `batch` rows per statement so a backlog never holds a long lock; answers how many
   * went. Locking the rows (FOR UPDATE) checks a row an attempt claimed meanwhile again, so it
   * stays; one an attempt is claiming right now is skipped, for the next run.
   */
  async purgeCreatedBefore(cutoff: Date, batch = 5_000): Promise<number> {
    let deleted = 0;
    for (;;) {
      const count = await this.db.$executeRaw`
        DELETE FROM email_deliveries
         WHERE message_id IN (
                 SELECT message_id FROM email_deliveries
                  WHERE created_at < ${cutoff} AND (state = 'SENT' OR claimed_until IS NULL OR claimed_until <= now())
                  LIMIT ${batch}::int
                    FOR UPDATE SKIP LOCKED)`;
      deleted += count;
      if (count < batch) return deleted;
    }
  }

  /** The attempt is over without an accept: the next one may claim it at once. */
  async release(messageId: string, reason: string): Promise<void> {
    await this.db.emailDelivery.updateMany({
      where: { messageId, state: EmailDeliveryState.SENDING },
      data: { claimedUntil: null, smtpResponse: reason },
    });
  }
}
