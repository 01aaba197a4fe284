import { Module } from '@nestjs/common';
import { ResilienceModule } from '@helpdeskly/resilience';
import { EmailDeliveryRepository } from './email-delivery.repository';
import { EmailProcessor } from './email.processor';
import { SmtpMailer } from './smtp-mailer';

/**
 * The consumer of the queue `email`: renders and sends over SMTP. Imported where workers run (the
 * worker process, control-api with RUN_WORKERS=true), next to ConfigModule, DatabaseModule (the
 * send records of email_deliveries), RedisModule, QueuesModule and MetricsModule.
 */
@Module({ imports: [ResilienceModule], providers: [SmtpMailer, EmailDeliveryRepository, EmailProcessor] })
export class EmailDeliveryModule {}
