export { EmailDeliveryModule } from './email-delivery.module';
export { EmailDeliveryRepository } from './email-delivery.repository';
export { EmailOutbox, emailJobId, type EmailRequest } from './email-outbox';
export {
  EMAIL_TEMPLATES,
  type EmailMessage,
  type EmailTemplate,
  type EmailTemplates,
  type TicketRef,
} from './email.types';
export { frontendLink, ticketLink } from './links';
export { MailErrorCode, MailException } from './mail.errors';
export { MailModule } from './mail.module';
export { reportQueueErrors } from './queue-errors';
export { SMTP_BREAKER } from './smtp-mailer';
export { messageIdOf, renderEmail, type RenderedEmail, ticketThreadId } from './templates/render';
export { escapeHtml } from './templates/layout';
export { type CaughtMessage, MailCatcher, type MailCatcherOptions } from './catcher/mail-catcher';
