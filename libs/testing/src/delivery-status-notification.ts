/** A recipient of a delivery status notification, and what became of mail to it. */
export interface DsnRecipient {
  readonly address: string;
  readonly action: 'failed' | 'delayed' | 'delivered';
  readonly status: string;
}

/**
 * A delivery status notification (a bounce) as an MTA writes one (RFC 3464): from MAILER-DAEMON of
 * `mta`, auto-submitted, a human part and a `message/delivery-status` part with one group per
 * recipient. The raw message, CRLF line ends.
 */
export function deliveryStatusNotification(options: {
  readonly to: string;
  readonly messageId: string;
  readonly mta: string;
  readonly recipients: readonly DsnRecipient[];
}): string {
  return [
    `From: Mail Delivery System <MAILER-DAEMON@${options.mta}>`,
    `To: ${options.to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Auto-Submitted: auto-replied',
    `Message-ID: ${options.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${options.mta}`,
    '',
    ...options.recipients.flatMap((r) => [
      `Final-Recipient: rfc822; ${r.address}`,
      `Action: ${r.action}`,
      `Status: ${r.status}`,
      '',
    ]),
    '--b1--',
    '',
  ].join('\r\n');
}
