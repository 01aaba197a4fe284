import { replyAddressOf } from '@helpdeskly/inbound-email';
import type { EmailMessage, EmailTemplate, EmailTemplates } from '../email.types';
import { TEMPLATES, type TemplateContext } from './email-templates';
import { toHtml, toText } from './layout';

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** `<jobid@helpdeskly>`: the same job always gets the same Message-ID, so a receiver can drop a duplicate. */
  readonly messageId: string;
  /** Ticket emails: the ticket's thread, so mail clients show one conversation per ticket. */
  readonly inReplyTo?: string;
  readonly references?: string;
  /** Emails to a ticket's requester, with mail to tickets on: the ticket's reply address. */
  readonly replyTo?: string;
}

/** The emails a requester answers, whose answers must reach the ticket. */
const TO_REQUESTER: ReadonlySet<EmailTemplate> = new Set(['ticket-created', 'agent-reply']);

const MESSAGE_ID_DOMAIN = 'helpdeskly';

export const messageIdOf = (jobId: string) => `<${jobId}@${MESSAGE_ID_DOMAIN}>`;
export const ticketThreadId = (ticketId: string) => `<ticket-${ticketId}@${MESSAGE_ID_DOMAIN}>`;

/** Subject, HTML and text parts and the threading headers of one email job. */
export function renderEmail(message: EmailMessage, jobId: string, ctx: TemplateContext): RenderedEmail {
  const template = TEMPLATES[message.template] as (
    data: EmailTemplates[EmailTemplate],
    ctx: TemplateContext,
  ) => ReturnType<(typeof TEMPLATES)[EmailTemplate]>;
  const content = template(message.data, ctx);
  const ticket = 'ticket' in message.data ? message.data.ticket : undefined;
  const thread = ticket ? ticketThreadId(ticket.ticketId) : undefined;
  const replyTo =
    ticket?.replyToken && message.mailbox && ctx.inboundDomain && TO_REQUESTER.has(message.template)
      ? replyAddressOf(message.mailbox, ticket.replyToken, ctx.inboundDomain)
      : undefined;
  return {
    subject: content.subject,
    html: toHtml(content, ctx.senderName),
    text: toText(content, ctx.senderName),
    messageId: messageIdOf(jobId),
    ...(thread ? { inReplyTo: thread, references: thread } : {}),
    ...(replyTo ? { replyTo } : {}),
  };
}
