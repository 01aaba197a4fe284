import { Module } from '@nestjs/common';
import { ResilienceModule } from '@helpdeskly/resilience';
import { EmailProcessor } from './email.processor';
import { SmtpMailer } from './smtp-mailer';

/**
 * The consumer of the queue `email`: renders and sends over SMTP. Imported where workers run (the
 * worker process, control-api with RUN_WORKERS=true), next to ConfigModule, RedisModule,
 * QueuesModule and MetricsModule.
 */
@Module({ imports: [ResilienceModule], providers: [SmtpMailer, EmailProcessor] })
export class EmailDeliveryModule {}
