import { Global, Module } from '@nestjs/common';

/** Emails: templates, the outbox that enqueues them, SMTP delivery behind a circuit breaker. */
@Global()
@Module({})
export class MailModule {}
