import { Global, Module } from '@nestjs/common';
import { EmailOutbox } from './email-outbox';

/** Emails: templates, the outbox that enqueues them; delivery is {@link EmailDeliveryModule}'s. */
@Global()
@Module({ providers: [EmailOutbox], exports: [EmailOutbox] })
export class MailModule {}
