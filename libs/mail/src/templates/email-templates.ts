import type { EmailTemplate, EmailTemplates, TicketRef } from '../email.types';
import { ticketLink } from '../links';
import type { EmailContent } from './layout';

export interface TemplateContext {
  readonly frontendUrl: string;
  /** Who the email is from, as its From display name says. */
  readonly senderName: string;
  /** INBOUND_DOMAIN: set, the emails to a ticket's requester answer to the ticket's reply address. */
  readonly inboundDomain?: string | null;
}

const ticketSubject = (ticket: TicketRef) => `[#${ticket.number}] ${ticket.subject}`;
const viewTicket = (ctx: TemplateContext, ticket: TicketRef) => ({
  label: `View ticket #${ticket.number}`,
  href: ticketLink(ctx.frontendUrl, ticket.number),
});
const expires = (iso: string) => new Date(iso).toUTCString();

/** One small function per template: what it says, never how it is marked up. */
export const TEMPLATES: {
  readonly [T in EmailTemplate]: (data: EmailTemplates[T], ctx: TemplateContext) => EmailContent;
} = {
  'password-reset': (data) => ({
    subject: 'Reset your Helpdeskly password',
    greeting: `Hello ${data.name},`,
    paragraphs: [
      'Someone asked to reset the password of your Helpdeskly account. If it was you, choose a new password with the link below.',
      `The link works once, until ${expires(data.expiresAt)}.`,
    ],
    action: { label: 'Choose a new password', href: data.link },
    footnote: 'If you did not ask for this, ignore this email: your password stays as it is.',
  }),
  invitation: (data) => ({
    subject: `You are invited to ${data.tenantName} on Helpdeskly`,
    greeting: 'Hello,',
    paragraphs: [
      `${data.inviterName ?? 'A member'} invites you to join ${data.tenantName} on Helpdeskly as ${data.role}.`,
      `The invitation is valid until ${expires(data.expiresAt)}.`,
    ],
    action: { label: 'Accept the invitation', href: data.link },
  }),
  'ticket-created': (data, ctx) => ({
    subject: ticketSubject(data.ticket),
    greeting: `Hello ${data.requesterName},`,
    paragraphs: [
      `We received your request "${data.ticket.subject}" and gave it the number #${data.ticket.number}. We will answer you as soon as we can.`,
      'We will email you here whenever there is news on it. Please quote the number if you contact us about it.',
    ],
    action: viewTicket(ctx, data.ticket),
  }),
  'agent-reply': (data, ctx) => ({
    subject: ticketSubject(data.ticket),
    greeting: `Hello ${data.requesterName},`,
    paragraphs: [`${data.agentName} replied to your request #${data.ticket.number}:`],
    quote: data.body,
    action: viewTicket(ctx, data.ticket),
  }),
  'requester-reply': (data, ctx) => ({
    subject: ticketSubject(data.ticket),
    greeting: `Hello ${data.assigneeName},`,
    paragraphs: [`${data.requesterName} answered on ticket #${data.ticket.number}, which is assigned to you:`],
    quote: data.body,
    action: viewTicket(ctx, data.ticket),
    footnote: 'You get this email because the ticket is assigned to you.',
  }),
  'ticket-assigned': (data, ctx) => ({
    subject: ticketSubject(data.ticket),
    greeting: `Hello ${data.assigneeName},`,
    paragraphs: [
      `${data.assignedByName ?? 'Someone'} assigned ticket #${data.ticket.number} "${data.ticket.subject}" to you.`,
    ],
    action: viewTicket(ctx, data.ticket),
  }),
};
