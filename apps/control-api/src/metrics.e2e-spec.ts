// control-api's /metrics after failed logins: failures by reason and lockouts count, the control
// database is timed, and no label names the account. /metrics is absent when disabled.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { type MetricSample, parsePrometheusText, sampleSum } from '@helpdeskly/metrics';
import { startTestApp, testConfig } from '@helpdeskly/testing';
import { CONTROL_API } from './control-api';
import { ControlApiModule } from './control-api.module';
import { ControlFixture, type FixtureUser } from './testing/control-fixture';

describe('control-api metrics (e2e)', () => {
  let fx: ControlFixture;
  let account: FixtureUser;

  const scrape = async (): Promise<{ text: string; samples: MetricSample[] }> => {
    const response = await fx.request('GET', '/metrics');
    expect(response.status).toBe(200);
    return { text: response.body as string, samples: parsePrometheusText(response.body as string) };
  };
  const login = (email: string, password: string) =>
    fx.request('POST', '/v1/auth/login', { body: { email, password } });

  before(async () => {
    // Lock after three failures; no rate limit in the way of the failed attempts.
    fx = await ControlFixture.start({
      ENABLE_METRICS: 'true',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_LOCKOUT_SECONDS: '60',
      RATE_LIMIT_ENABLED: 'false',
    });
    account = await fx.createUser();
  });
  after(() => fx?.close());

  it('counts failed logins by reason and the lockout they lead to, without naming the account', async () => {
    const before = (await scrape()).samples;
    expect((await login('nobody-here@fixture.test', 'Whatever-Password-1')).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await login(account.user.email, 'Wrong-Password-123')).status).toBe(401);
    // Locked now: even the right password is refused, and counted as such.
    expect((await login(account.user.email, account.password)).status).toBe(401);

    const { text, samples } = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleSum(samples, name, labels) - sampleSum(before, name, labels);
    expect(delta('helpdeskly_login_failures_total', { reason: 'unknown_email' })).toBe(1);
    expect(delta('helpdeskly_login_failures_total', { reason: 'wrong_password' })).toBe(3);
    expect(delta('helpdeskly_login_failures_total', { reason: 'account_locked' })).toBe(1);
    expect(delta('helpdeskly_account_lockouts_total')).toBe(1);
    expect(delta('helpdeskly_http_requests_total', { method: 'POST', route: '/v1/auth/login', status: '401' })).toBe(5);
    for (const secret of [account.user.id, account.user.email, 'nobody-here']) expect(text).not.toContain(secret);
  });

  it('times the control database by model and operation', async () => {
    const { samples } = await scrape();
    expect(
      sampleSum(samples, 'helpdeskly_db_query_duration_seconds_count', {
        database: 'control',
        model: 'User',
        operation: 'findUnique',
      }),
    ).toBeGreaterThan(0);
    expect(
      samples.some((s) => s.name === 'helpdeskly_db_query_duration_seconds_count' && s.labels.database !== 'control'),
    ).toBe(false);
  });

  it('serves no /metrics with ENABLE_METRICS=false', async () => {
    const config = testConfig({ ENABLE_METRICS: 'false' });
    const off = await startTestApp(ControlApiModule.forRoot(config), { config, api: CONTROL_API });
    try {
      expect((await fetch(`${off.baseUrl}/metrics`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
