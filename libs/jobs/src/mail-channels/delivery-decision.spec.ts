import { describe, it } from 'node:test';
import { expect } from 'expect';
import { backoffMs, deliveryDecisionOf } from './delivery-decision';
import { describeImapFailure, imapFailureOf, imapOptionsOf } from './imap-connection';

/** A rejection as nodemailer raises it. */
const smtpError = (responseCode?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`Message failed: ${responseCode}`), { responseCode, ...extra });

describe(deliveryDecisionOf.name, () => {
  it('delivers on a resolved sendMail (2xx)', () => {
    expect(deliveryDecisionOf()).toEqual({ outcome: 'delivered' });
  });

  it('retries on 4xx (app-api busy or rate-limited) and when nothing answered', () => {
    for (const code of [421, 450, 451, 452])
      expect(deliveryDecisionOf(smtpError(code))).toEqual({
        outcome: 'retry',
        reason: `app-api deferred the message (SMTP ${code})`,
      });
    expect(deliveryDecisionOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }))).toEqual({
      outcome: 'retry',
      reason: "app-api's inbound SMTP server did not answer (ECONNECTION)",
    });
    expect(deliveryDecisionOf(null).outcome).toBe('retry');
  });

  it('skips on 5xx, refused for good (552 too big, 550 no such tenant), also when only RCPT TO carries the code', () => {
    expect(deliveryDecisionOf(smtpError(552))).toEqual({
      outcome: 'skip',
      reason: 'app-api refused the message for good (SMTP 552)',
    });
    expect(deliveryDecisionOf(smtpError(undefined, { rejectedErrors: [{ responseCode: 550 }] })).outcome).toBe('skip');
    expect(deliveryDecisionOf(smtpError(undefined, { rejectedErrors: [{ responseCode: 450 }] })).outcome).toBe('retry');
  });
});

describe(backoffMs.name, () => {
  it('is 0 before any failure, doubles from 1 s, and stops at the cap (60 s)', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffMs(n))).toEqual([
      0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(backoffMs(3, 2_500)).toBe(2_500);
  });
});

describe(imapFailureOf.name, () => {
  it('tells a refused login from a server that cannot be reached or cannot check it now', () => {
    expect(imapFailureOf(Object.assign(new Error('x'), { authenticationFailed: true }))).toBe('login_failed');
    expect(imapFailureOf({ serverResponseCode: 'AUTHENTICATIONFAILED' })).toBe('login_failed');
    expect(imapFailureOf({ authenticationFailed: true, serverResponseCode: 'UNAVAILABLE' })).toBe('unreachable');
    expect(imapFailureOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      'unreachable',
    );
    expect(imapFailureOf(undefined)).toBe('unreachable');
  });

  it("words the failure for the tenant without the server's text", () => {
    expect(describeImapFailure('login_failed', { host: 'imap.example.test', port: 993 })).toBe(
      'The IMAP server imap.example.test:993 refused the username or password.',
    );
    expect(describeImapFailure('unreachable', { host: 'imap.example.test', port: 993 })).toMatch(
      /could not be reached/,
    );
  });
});

describe(imapOptionsOf.name, () => {
  const endpoint = { host: 'imap.example.test', port: 993, username: 'u', password: 'p' };
  it('maps the TLS modes: implicit TLS, a required STARTTLS, or cleartext', () => {
    const modes = (['implicit', 'starttls', 'none'] as const).map((tls) => {
      const { secure, doSTARTTLS } = imapOptionsOf({ ...endpoint, tls });
      return { tls, secure, doSTARTTLS };
    });
    expect(modes).toEqual([
      { tls: 'implicit', secure: true, doSTARTTLS: false },
      { tls: 'starttls', secure: false, doSTARTTLS: true },
      { tls: 'none', secure: false, doSTARTTLS: false },
    ]);
  });
});
