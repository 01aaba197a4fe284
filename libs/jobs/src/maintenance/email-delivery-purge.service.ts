import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { EmailDeliveryRepository } from '@helpdeskly/mail';

export interface EmailDeliveryPurgeReport {
  readonly deleted: number;
  readonly cutoff: Date;
}

/**
 * The daily `purge-email-deliveries` job: send records created more than
 * EMAIL_DELIVERY_RETENTION_DAYS ago are deleted, unless an attempt holds one. Their jobs are gone
 * by then (failed ones are kept 14 days, and the retention is at least 15), so no retry needs them.
 */
@Injectable()
export class EmailDeliveryPurgeService {
  private readonly logger = new Logger(EmailDeliveryPurgeService.name);

  constructor(
    private readonly deliveries: EmailDeliveryRepository,
    private readonly config: AppConfig,
  ) {}

  async purge(now = new Date()): Promise<EmailDeliveryPurgeReport> {
    const cutoff = new Date(now.getTime() - this.config.mail.deliveryRetentionDays * 86_400_000);
    const deleted = await this.deliveries.purgeCreatedBefore(cutoff);
    this.logger.log({ deleted, cutoff }, 'email send records purged');
    return { deleted, cutoff };
  }
}
