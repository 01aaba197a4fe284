import { describe, it } from 'node:test';
import { expect } from 'expect';
import { ConfigError } from '@helpdeskly/config';
import type { EmailDeliveryRepository } from '@helpdeskly/mail';
import { DEFAULT_JOB_OPTIONS } from '@helpdeskly/queues';
import { unitConfig } from '@helpdeskly/testing';
import { EmailDeliveryPurgeService } from './email-delivery-purge.service';

describe(EmailDeliveryPurgeService.name, () => {
  it('deletes the records created more than EMAIL_DELIVERY_RETENTION_DAYS ago', async () => {
    const cutoffs: Date[] = [];
    const deliveries = {
      purgeCreatedBefore: async (cutoff: Date) => (cutoffs.push(cutoff), 7),
    } as unknown as EmailDeliveryRepository;
    const sut = new EmailDeliveryPurgeService(deliveries, unitConfig({ EMAIL_DELIVERY_RETENTION_DAYS: '20' }));

    const report = await sut.purge(new Date('2026-03-21T03:45:00Z'));

    expect(cutoffs).toEqual([new Date('2026-03-01T03:45:00Z')]);
    expect(report).toEqual({ deleted: 7, cutoff: new Date('2026-03-01T03:45:00Z') });
  });

  it('refuses at start-up a retention that a failed email job could outlive', () => {
    const failedJobDays = Math.ceil(DEFAULT_JOB_OPTIONS.removeOnFail.age / 86_400);
    expect(() => unitConfig({ EMAIL_DELIVERY_RETENTION_DAYS: String(failedJobDays) })).toThrow(ConfigError);
    expect(unitConfig({ EMAIL_DELIVERY_RETENTION_DAYS: String(failedJobDays + 1) }).mail.deliveryRetentionDays).toBe(
      failedJobDays + 1,
    );
  });
});
