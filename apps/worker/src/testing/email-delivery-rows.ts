import type { ControlDatabase } from '@helpdeskly/database';

const DAY = 86_400_000;
export const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

/** The message ids of {@link insertRetentionCases}: every row it wrote, and those a purge must keep. */
export interface RetentionCases {
  readonly all: readonly string[];
  readonly kept: readonly string[];
}

/**
 * Send records on both sides of the default retention (EMAIL_DELIVERY_RETENTION_DAYS, 30 days):
 * old ones sent, released or with an expired claim, which a purge deletes; an old one an attempt
 * holds right now, and recent ones, which it keeps. `messageId` names each row (and records it for
 * the test's clean-up).
 */
export async function insertRetentionCases(
  db: ControlDatabase,
  messageId: (name: string) => string,
): Promise<RetentionCases> {
  const ids = {
    oldSent: messageId('old-sent'),
    oldReleased: messageId('old-released'),
    oldClaimExpired: messageId('old-claim-expired'),
    oldClaimLive: messageId('old-claim-live'),
    recentSent: messageId('recent-sent'),
    recentReleased: messageId('recent-released'),
  };
  await db.emailDelivery.createMany({
    data: [
      {
        messageId: ids.oldSent,
        template: 'ticket-created',
        state: 'SENT',
        sentAt: daysAgo(31),
        createdAt: daysAgo(31),
      },
      { messageId: ids.oldReleased, template: 'ticket-created', createdAt: daysAgo(40), claimedUntil: null },
      {
        messageId: ids.oldClaimExpired,
        template: 'ticket-created',
        createdAt: daysAgo(40),
        claimedUntil: new Date(Date.now() - 60_000),
      },
      // An attempt is talking to the server right now: kept whatever its age.
      {
        messageId: ids.oldClaimLive,
        template: 'ticket-created',
        createdAt: daysAgo(40),
        claimedUntil: new Date(Date.now() + 60_000),
      },
      { messageId: ids.recentSent, template: 'ticket-created', state: 'SENT', createdAt: daysAgo(29) },
      { messageId: ids.recentReleased, template: 'ticket-created', createdAt: daysAgo(1), claimedUntil: null },
    ],
  });
  return { all: Object.values(ids), kept: [ids.oldClaimLive, ids.recentSent, ids.recentReleased] };
}

/** Which of `ids` are still in email_deliveries, sorted. */
export const remainingDeliveries = async (db: ControlDatabase, ids: readonly string[]): Promise<string[]> =>
  (await db.emailDelivery.findMany({ where: { messageId: { in: [...ids] } }, select: { messageId: true } }))
    .map((r) => r.messageId)
    .sort();
