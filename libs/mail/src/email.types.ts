/** What a ticket email says about its ticket; the link is built from FRONTEND_URL when rendered. */
export interface TicketRef {
  /** Threads every email of the ticket together (In-Reply-To, References). */
  readonly ticketId: string;
  readonly number: number;
  readonly subject: string;
  /** The ticket's reply token: the requester's emails answer to `<mailbox>+t<token>@INBOUND_DOMAIN`. */
  readonly replyToken?: string;
}

/**
 * What each email template needs. Links carrying a one-time token make those jobs as secret as
 * the emails themselves.
 */
export interface EmailTemplates {
  'password-reset': { readonly name: string; readonly link: string; readonly expiresAt: string };
  invitation: {
    readonly tenantName: string;
    readonly inviterName: string | null;
    readonly role: string;
    readonly link: string;
    readonly expiresAt: string;
  };
  /** To the requester: we got your request. */
  'ticket-created': { readonly ticket: TicketRef; readonly requesterName: string };
  /** To the requester: a public reply of an agent. */
  'agent-reply': {
    readonly ticket: TicketRef;
    readonly requesterName: string;
    readonly agentName: string;
    readonly body: string;
  };
  /** To the assignee: the requester answered. */
  'requester-reply': {
    readonly ticket: TicketRef;
    readonly assigneeName: string;
    readonly requesterName: string;
    readonly body: string;
  };
  /** To the new assignee, unless they assigned the ticket to themselves. */
  'ticket-assigned': {
    readonly ticket: TicketRef;
    readonly assigneeName: string;
    readonly assignedByName: string | null;
  };
}
export type EmailTemplate = keyof EmailTemplates;

export const EMAIL_TEMPLATES: readonly EmailTemplate[] = [
  'password-reset',
  'invitation',
  'ticket-created',
  'agent-reply',
  'requester-reply',
  'ticket-assigned',
];

/** The data of one job of the email queue. */
export type EmailMessage = {
  [T in EmailTemplate]: {
    readonly template: T;
    readonly to: string;
    readonly data: EmailTemplates[T];
    /** Display name of the From address: the tenant's for tenant emails; MAIL_FROM_NAME when absent. */
    readonly senderName?: string;
    /** The tenant's slug, the mailbox of its inbound address (tenant emails). */
    readonly mailbox?: string;
    /** Copied: the ticket's CCs on the emails to its requester. */
    readonly cc?: readonly string[];
  };
}[EmailTemplate];
