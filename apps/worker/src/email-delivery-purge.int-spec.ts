import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { AppConfig } from '@helpdeskly/config';
import { EmailDeliveryRepository } from '@helpdeskly/mail';
import { EmailDeliveryPurgeService } from '@helpdeskly/jobs';
import { ControlFixture, uniqueSuffix } from '../../control-api/src/testing/control-fixture';
import { daysAgo, insertRetentionCases, remainingDeliveries } from './testing/email-delivery-rows';

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

  it('deletes records older than EMAIL_DELIVERY_RETENTION_DAYS (30) that no attempt holds, and keeps recent ones and live claims', async () => {
    const cases = await insertRetentionCases(fx.db, messageId);

    const report = await sut.purge();

    expect(Math.abs(report.cutoff.getTime() - daysAgo(30).getTime())).toBeLessThan(60_000);
    expect(await remainingDeliveries(fx.db, cases.all)).toEqual([...cases.kept].sort());
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

    expect(await remainingDeliveries(fx.db, ids)).toEqual([]);
  });
});
