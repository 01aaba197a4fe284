import { describe, it } from 'node:test';
import { expect } from 'expect';
import { ALIAS_NAME_PATTERN, parseInboundRecipient, replyAddressOf, tenantAddressOf } from './inbound-address';

const DOMAIN = 'inbound.test';

describe(parseInboundRecipient.name, () => {
  it('reads the mailbox and the reply token of an address of the inbound domain, case-insensitively', () => {
    const token = '0123456789abcdef0123456789abcdef';
    expect(parseInboundRecipient('acme@inbound.test', DOMAIN)).toEqual({
      mailbox: 'acme',
      slug: 'acme',
      alias: null,
      replyToken: null,
    });
    expect(parseInboundRecipient(replyAddressOf('acme', token, DOMAIN), DOMAIN)).toEqual({
      mailbox: 'acme',
      slug: 'acme',
      alias: null,
      replyToken: token,
    });
    expect(parseInboundRecipient(`ACME+T${token.toUpperCase()}@Inbound.Test`, DOMAIN)).toEqual({
      mailbox: 'acme',
      slug: 'acme',
      alias: null,
      replyToken: token,
    });
  });

  it('ignores a +tag that is not a reply token, and refuses other domains and empty mailboxes', () => {
    expect(parseInboundRecipient('acme+urgent@inbound.test', DOMAIN)).toEqual({
      mailbox: 'acme',
      slug: 'acme',
      alias: null,
      replyToken: null,
    });
    expect(parseInboundRecipient('acme+t1234@inbound.test', DOMAIN)).toEqual({
      mailbox: 'acme',
      slug: 'acme',
      alias: null,
      replyToken: null,
    });
    expect(parseInboundRecipient(`acme+t${'g'.repeat(32)}@inbound.test`, DOMAIN)).toEqual({
      mailbox: 'acme',
      slug: 'acme',
      alias: null,
      replyToken: null,
    });
    expect(parseInboundRecipient('acme@inbound.test.evil.com', DOMAIN)).toBeNull();
    expect(parseInboundRecipient('acme@sub.inbound.test', DOMAIN)).toBeNull();
    expect(parseInboundRecipient('+t00@inbound.test', DOMAIN)).toBeNull();
    expect(parseInboundRecipient('no-at-sign', DOMAIN)).toBeNull();
  });
});

describe('alias addresses', () => {
  it('splits <slug>.<alias> at the first dot, with or without a reply token', () => {
    const token = 'fedcba9876543210fedcba9876543210';
    expect(parseInboundRecipient(tenantAddressOf('acme', 'billing', DOMAIN), DOMAIN)).toEqual({
      mailbox: 'acme.billing',
      slug: 'acme',
      alias: 'billing',
      replyToken: null,
    });
    expect(parseInboundRecipient(`Acme.Billing+t${token}@inbound.test`, DOMAIN)).toMatchObject({
      slug: 'acme',
      alias: 'billing',
      replyToken: token,
    });
    // Not a name an alias can have: the lookup finds no alias of that name, so it is refused.
    expect(parseInboundRecipient('acme.a.b@inbound.test', DOMAIN)).toMatchObject({ slug: 'acme', alias: 'a.b' });
    expect(parseInboundRecipient('acme.@inbound.test', DOMAIN)).toMatchObject({ slug: 'acme', alias: '' });
    expect(tenantAddressOf('acme', null, DOMAIN)).toBe('acme@inbound.test');
  });

  it('names aliases without dots, plus signs, spaces or upper case, of 1 to 40 characters', () => {
    for (const name of ['billing', 'b', 'sales-eu', 'vip_2', 'a'.repeat(40)])
      expect(ALIAS_NAME_PATTERN.test(name)).toBe(true);
    for (const name of ['', 'a.b', 'a+b', 'Billing', '-x', 'x-', 'a b', 'a'.repeat(41), 'é'])
      expect(ALIAS_NAME_PATTERN.test(name)).toBe(false);
  });
});
