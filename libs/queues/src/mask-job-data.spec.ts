import { describe, it } from 'node:test';
import { expect } from 'expect';
import { REDACTED } from '@helpdeskly/logging';
import { maskJobData } from './mask-job-data';

describe(maskJobData.name, () => {
  it('masks links, URLs, tokens, passwords and secrets at any depth', () => {
    const masked = maskJobData({
      template: 'password-reset',
      to: 'a@example.com',
      data: { name: 'Ann', link: 'https://app.example/reset?token=abc', expiresAt: '2026-01-01' },
      list: [{ resetUrl: 'https://x/y' }, { smtpPassword: 'p' }],
      apiToken: 't',
      clientSecret: 's',
    });
    expect(masked).toEqual({
      template: 'password-reset',
      to: 'a@example.com',
      data: { name: 'Ann', link: REDACTED, expiresAt: '2026-01-01' },
      list: [{ resetUrl: REDACTED }, { smtpPassword: REDACTED }],
      apiToken: REDACTED,
      clientSecret: REDACTED,
    });
  });

  it('masks secrets inside free text too', () => {
    expect(maskJobData({ note: 'failed for postgresql://admin:hunter2@db/x' })).toEqual({
      note: `failed for postgresql://admin:${REDACTED}@db/x`,
    });
  });

  it('keeps ids, numbers and empty values', () => {
    expect(maskJobData({ tenantId: 'f3b1', attempts: 3, link: '', token: null, nested: [1, 'two'] })).toEqual({
      tenantId: 'f3b1',
      attempts: 3,
      link: '',
      token: null,
      nested: [1, 'two'],
    });
  });
});
