import { describe, it } from 'node:test';
import { expect } from 'expect';
import { deliveryStatusNotification } from '@helpdeskly/testing';
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

/** A delivery status notification, with one failed and one delayed recipient. */
const DSN = deliveryStatusNotification({
  to: 'notifications@helpdeskly.test',
  messageId: '<dsn-1@mx.example.com>',
  mta: 'mx.example.com',
  recipients: [
    { address: 'Gone@Example.com', action: 'failed', status: '5.1.1' },
    { address: 'slow@example.com', action: 'delayed', status: '4.4.1' },
  ],
});

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
