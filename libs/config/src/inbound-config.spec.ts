import { describe, it } from 'node:test';
import { expect } from 'expect';
import { unitConfig, unitEnv } from '@helpdeskly/testing';
import { ConfigError, loadConfig } from './load-config';

const problemsOf = (overrides: Record<string, string>): string[] => {
  try {
    loadConfig(unitEnv(overrides));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('inbound email configuration (INBOUND_*)', () => {
  it('has no mail to tickets unless INBOUND_DOMAIN is set, and 25 MiB, 50 recipients, no TLS by default', () => {
    expect(unitConfig().inbound).toEqual({
      domain: null,
      smtp: {
        port: null,
        host: '0.0.0.0',
        maxMessageBytes: 25 * 1024 * 1024,
        maxRecipients: 50,
        perSenderPerHour: 120,
        perTenantPerHour: 3_000,
        tls: null,
      },
      delivery: null,
      rawRetentionDays: 30,
    });
    expect(unitConfig({ INBOUND_RAW_RETENTION_DAYS: '7' }).inbound.rawRetentionDays).toBe(7);
    expect(() => unitConfig({ INBOUND_RAW_RETENTION_DAYS: '0' })).toThrow(/INBOUND_RAW_RETENTION_DAYS/);
    const withDomain = (env: Record<string, string>) => unitConfig({ INBOUND_DOMAIN: 'mail.example.com', ...env });
    expect(withDomain({}).inbound.domain).toBe('mail.example.com');
    expect(withDomain({ INBOUND_SMTP_PORT: '' }).inbound.smtp.port).toBeNull();
    expect(withDomain({ INBOUND_SMTP_PORT: '2525' }).inbound.smtp.port).toBe(2525);
    expect(withDomain({ INBOUND_SMTP_PORT: '0' }).inbound.smtp.port).toBe(0);
  });

  it('re-delivers mail fetched over IMAP to INBOUND_DELIVERY_URL, and refuses what is no smtp://host:port', () => {
    expect(unitConfig({ INBOUND_DELIVERY_URL: 'smtp://app-api:2525' }).inbound.delivery).toEqual({
      host: 'app-api',
      port: 2525,
    });
    expect(unitConfig({ INBOUND_DELIVERY_URL: '' }).inbound.delivery).toBeNull();
    for (const url of ['http://app-api:2525', 'smtp://app-api', 'smtp://user@app-api:25', 'app-api:2525']) {
      expect(problemsOf({ INBOUND_DELIVERY_URL: url })).toEqual([
        'INBOUND_DELIVERY_URL must look like smtp://host:port',
      ]);
    }
  });

  it('refuses an inbound SMTP server without the domain it receives for', () => {
    expect(problemsOf({ INBOUND_SMTP_PORT: '2525' })).toEqual([
      'INBOUND_SMTP_PORT is set: set INBOUND_DOMAIN, the domain of the addresses it receives mail for',
    ]);
  });

  it('takes STARTTLS files only in pairs', () => {
    expect(
      unitConfig({ INBOUND_SMTP_TLS_CERT_FILE: '/tls/cert.pem', INBOUND_SMTP_TLS_KEY_FILE: '/tls/key.pem' }).inbound
        .smtp.tls,
    ).toEqual({ certFile: '/tls/cert.pem', keyFile: '/tls/key.pem' });
    expect(problemsOf({ INBOUND_SMTP_TLS_CERT_FILE: '/tls/cert.pem' })).toEqual([
      'Set both INBOUND_SMTP_TLS_CERT_FILE and INBOUND_SMTP_TLS_KEY_FILE, or neither',
    ]);
  });

  it('refuses a domain that is not a lower-case domain name, and out-of-range sizes and ports', () => {
    for (const domain of ['Inbound.Example.com', 'inbound example', '-x.example.com', 'a@b.com'])
      expect({ domain, problems: problemsOf({ INBOUND_DOMAIN: domain }) }).toEqual({
        domain,
        problems: ['INBOUND_DOMAIN must be a lower-case domain name'],
      });
    expect(problemsOf({ INBOUND_DOMAIN: 'mail.example.com' })).toEqual([]);
    expect(problemsOf({ INBOUND_DOMAIN: 'mail.example.com', INBOUND_SMTP_PORT: '70000' })).toHaveLength(1);
    expect(problemsOf({ INBOUND_MAX_MESSAGE_BYTES: '10' })).toHaveLength(1);
    expect(problemsOf({ INBOUND_MAX_RECIPIENTS: '0' })).toHaveLength(1);
  });
});
