import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { AppConfig } from '@helpdeskly/config';
import { EmailDeliveryRepository } from '@helpdeskly/mail';
import { ControlFixture, uniqueSuffix } from '../../control-api/src/testing/control-fixture';
import { EmailDeliveryPurgeService } from '@helpdeskly/jobs';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

// Other files purge the same table: each test checks only the rows it made, never a total.
describe(EmailDeliveryPurgeService.name, () => {
  let fx: ControlFixture;
  let deliveries: EmailDeliveryRepository;
  let sut: EmailDeliveryPurgeService;
  const made: string[] = [];

  before(async () => {
    fx = await ControlFixture.start();
    deliveries = new EmailDeliveryRepository(fx.db);
    sut = new EmailDeliveryPurgeService(deliveries, fx.running.app.get(AppConfig));
  });
  after(async () => {
    if (!fx) return;
    await fx.db.emailDelivery.deleteMany({ where: { messageId: { in: made } } });
    await fx.close();
  });

  const messageId = (name: string) => {
    const id = `<purge-${name}-${uniqueSuffix()}@helpdeskly>`;
    made.push(id);
    return id;
  };
  const left = async (ids: readonly string[]) =>
    (await fx.db.emailDelivery.findMany({ where: { messageId: { in: [...ids] } }, select: { messageId: true } }))
      .map((r) => r.messageId)
      .sort();

  it('deletes records older than EMAIL_DELIVERY_RETENTION_DAYS (30) that no attempt holds, and keeps recent ones and live claims', async () => {
    const ids = {
      oldSent: messageId('old-sent'),
      oldReleased: messageId('old-released'),
      oldClaimExpired: messageId('old-claim-expired'),
      oldClaimLive: messageId('old-claim-live'),
      recentSent: messageId('recent-sent'),
      recentReleased: messageId('recent-released'),
    };
    await fx.db.emailDelivery.createMany({
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

    const report = await sut.purge();

    expect(Math.abs(report.cutoff.getTime() - daysAgo(30).getTime())).toBeLessThan(60_000);
    expect(await left(Object.values(ids))).toEqual([ids.oldClaimLive, ids.recentSent, ids.recentReleased].sort());
  });

  it('deletes in one run a backlog of several batches', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => messageId(`backlog-${i}`));
    await fx.db.emailDelivery.createMany({
      data: ids.map((id) => ({
        messageId: id,
        template: 'ticket-created',
        state: 'SENT' as const,
        createdAt: daysAgo(60),
      })),
    });

    await deliveries.purgeCreatedBefore(daysAgo(30), 2);

    expect(await left(ids)).toEqual([]);
  });
});
