import { describe, it } from 'node:test';
import { expect } from 'expect';
import { composeMessage } from './compose.fixture';
import { parseInboundMessage } from './inbound-message';
import { failedRecipientsOf, noiseOf } from './noise';

const OWN = new Set(['notifications@helpdeskly.test']);

const noiseOfMail = async (headers: Record<string, string>, from = 'ada@example.com') =>
  noiseOf(
    await parseInboundMessage(
      await composeMessage({ from, to: 'acme@inbound.test', subject: 'x', text: 'y', headers }),
    ),
    OWN,
  );

/** A delivery status notification as RFC 3464 writes one, with one failed and one delayed recipient. */
const DSN = [
  'From: Mail Delivery System <MAILER-DAEMON@mx.example.com>',
  'To: notifications@helpdeskly.test',
  'Subject: Undelivered Mail Returned to Sender',
  'Auto-Submitted: auto-replied',
  'Message-ID: <dsn-1@mx.example.com>',
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
  'Reporting-MTA: dns; mx.example.com',
  '',
  'Final-Recipient: rfc822; Gone@Example.com',
  'Action: failed',
  'Status: 5.1.1',
  '',
  'Final-Recipient: rfc822; slow@example.com',
  'Action: delayed',
  'Status: 4.4.1',
  '',
  '--b1--',
  '',
].join('\r\n');

describe(noiseOf.name, () => {
  it('passes mail a person wrote, Auto-Submitted: no included', async () => {
    expect(await noiseOfMail({})).toBeNull();
    expect(await noiseOfMail({ 'Auto-Submitted': 'no' })).toBeNull();
    expect(await noiseOfMail({ Precedence: 'first-class' })).toBeNull();
  });

  it('recognises auto-replies by RFC 3834 and the common vendor headers', async () => {
    for (const headers of [
      { 'Auto-Submitted': 'auto-replied' },
      { 'Auto-Submitted': 'auto-generated; owner-email="x@example.com"' },
      { 'X-Autoreply': 'yes' },
      { 'X-Autorespond': 'Out of office' },
    ] as Array<Record<string, string>>)
      expect({ headers, kind: (await noiseOfMail(headers))?.kind }).toEqual({ headers, kind: 'auto_reply' });
  });

  it('recognises bulk and list mail by Precedence', async () => {
    for (const precedence of ['bulk', 'list', 'junk', 'BULK'])
      expect((await noiseOfMail({ Precedence: precedence }))?.kind).toBe('bulk');
  });

  it('recognises mail from our own sending address, whatever else it says', async () => {
    expect(await noiseOfMail({}, 'Notifications@Helpdeskly.test')).toEqual({
      kind: 'own_address',
      reason: 'From: notifications@helpdeskly.test',
    });
  });

  it('reads a delivery status notification as a bounce, with the recipients that failed for good', async () => {
    expect(noiseOf(await parseInboundMessage(Buffer.from(DSN)), OWN)).toEqual({
      kind: 'bounce',
      reason: 'delivery status notification',
      failedRecipients: ['gone@example.com'],
    });
  });

  it('reads an old-style bounce from MAILER-DAEMON as a bounce without recipients', async () => {
    expect(await noiseOfMail({}, 'MAILER-DAEMON@mx.example.com')).toEqual({
      kind: 'bounce',
      reason: 'From: mailer-daemon@mx.example.com',
      failedRecipients: [],
    });
  });
});

describe(failedRecipientsOf.name, () => {
  it('takes Original-Recipient when there is no Final-Recipient, and folded lines', () => {
    expect(
      failedRecipientsOf('Original-Recipient: rfc822;\n a@example.com\nAction: Failed\n\nFinal-Recipient: b@x\n'),
    ).toEqual(['a@example.com']);
  });
});
