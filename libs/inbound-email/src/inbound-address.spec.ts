import { describe, it } from 'node:test';
import { expect } from 'expect';
import { parseInboundRecipient, replyAddressOf } from './inbound-address';

const DOMAIN = 'inbound.test';

describe(parseInboundRecipient.name, () => {
  it('reads the mailbox and the reply token of an address of the inbound domain, case-insensitively', () => {
    const token = '0123456789abcdef0123456789abcdef';
    expect(parseInboundRecipient('acme@inbound.test', DOMAIN)).toEqual({ mailbox: 'acme', replyToken: null });
    expect(parseInboundRecipient(replyAddressOf('acme', token, DOMAIN), DOMAIN)).toEqual({
      mailbox: 'acme',
      replyToken: token,
    });
    expect(parseInboundRecipient(`ACME+T${token.toUpperCase()}@Inbound.Test`, DOMAIN)).toEqual({
      mailbox: 'acme',
      replyToken: token,
    });
  });

  it('ignores a +tag that is not a reply token, and refuses other domains and empty mailboxes', () => {
    expect(parseInboundRecipient('acme+urgent@inbound.test', DOMAIN)).toEqual({ mailbox: 'acme', replyToken: null });
    expect(parseInboundRecipient('acme+t1234@inbound.test', DOMAIN)).toEqual({ mailbox: 'acme', replyToken: null });
    expect(parseInboundRecipient(`acme+t${'g'.repeat(32)}@inbound.test`, DOMAIN)).toEqual({
      mailbox: 'acme',
      replyToken: null,
    });
    expect(parseInboundRecipient('acme@inbound.test.evil.com', DOMAIN)).toBeNull();
    expect(parseInboundRecipient('acme@sub.inbound.test', DOMAIN)).toBeNull();
    expect(parseInboundRecipient('+t00@inbound.test', DOMAIN)).toBeNull();
    expect(parseInboundRecipient('no-at-sign', DOMAIN)).toBeNull();
  });
});
