import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { parseRateLimitFields } from '@helpdeskly/rate-limit';
import { ControlFixture, type FixtureMember, uniqueSuffix } from '../testing/control-fixture';

/** A client IP of its own per call (TRUST_PROXY=loopback believes X-Forwarded-For from the test). */
const newIp = () => `10.${[...randomBytes(3)].join('.')}`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const unknownEmail = () => `nobody-${uniqueSuffix()}@rate-limit.test`;

describe('Rate limits of control-api', () => {
  let fx: ControlFixture;
  let owner: FixtureMember;

  before(async () => {
    fx = await ControlFixture.start({
      RATE_LIMIT_AUTH_PER_IP: '5',
      RATE_LIMIT_AUTH_PER_ACCOUNT: '3',
      RATE_LIMIT_AUTH_WINDOW_SECONDS: '60',
    });
    owner = await fx.member(await fx.createTenant(), MembershipRole.OWNER);
  });

  after(() => fx?.close());

  it('refuses a login flood from one IP with 429 problem details and RateLimit headers; another IP is unaffected', async () => {
    const ip = newIp();
    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push(
        await fx.request('POST', '/v1/auth/login', {
          body: { email: unknownEmail(), password: 'Wrong-Password-123' },
          headers: from(ip),
        }),
      );

    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429]);
    for (const a of answers)
      expect(parseRateLimitFields(a.headers.get('ratelimit-policy'))).toEqual({
        'auth-ip': { q: 5, w: 60 },
        'auth-account': { q: 3, w: 60 },
      });
    expect(answers.slice(0, 5).map((a) => parseRateLimitFields(a.headers.get('ratelimit'))['auth-ip'].r)).toEqual([
      4, 3, 2, 1, 0,
    ]);

    const refused = answers[5];
    const retryAfter = Number(refused.headers.get('retry-after'));
    // One unit comes back every 60 / 5 = 12 s.
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(12);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      status: 429,
      code: 'too_many_requests',
      policy: 'auth-ip',
      retryAfterSeconds: retryAfter,
      type: expect.stringContaining('too-many-requests'),
    });
    expect(parseRateLimitFields(refused.headers.get('ratelimit'))['auth-ip']).toMatchObject({ r: 0 });

    const other = await fx.request('POST', '/v1/auth/login', {
      body: { email: unknownEmail(), password: 'Wrong-Password-123' },
      headers: from(newIp()),
    });
    expect(other.status).toBe(401);
  });

  it('limits one account across IPs, whatever the case of its email, even with the right password', async () => {
    const email = owner.user.email;
    const statuses = [];
    for (const variant of [email, email.toUpperCase(), email, email]) {
      statuses.push(
        (
          await fx.request('POST', '/v1/auth/login', {
            body: { email: variant, password: owner.password },
            headers: from(newIp()),
          })
        ).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await fx.request('POST', '/v1/auth/login', {
      body: { email, password: owner.password },
      headers: from(newIp()),
    });
    expect(refused.body).toMatchObject({ code: 'too_many_requests', policy: 'auth-account' });
  });

  it('limits refresh per refresh token, and password reset per reset token, across IPs', async () => {
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshes = [];
    for (let i = 0; i < 4; i++)
      refreshes.push(
        (await fx.request('POST', '/v1/auth/refresh', { body: { refreshToken }, headers: from(newIp()) })).status,
      );
    expect(refreshes.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(refreshes[3]).toBe(429);

    const token = randomBytes(32).toString('base64url');
    const resets = [];
    for (let i = 0; i < 4; i++)
      resets.push(
        (
          await fx.request('POST', '/v1/auth/password/reset', {
            body: { token, newPassword: 'Difference-Engine-1822' },
            headers: from(newIp()),
          })
        ).status,
      );
    expect(resets.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(resets[3]).toBe(429);
  });

  it('limits 2FA verification per user on the authenticated 2FA routes', async () => {
    const member = await fx.member(owner.tenant, MembershipRole.AGENT);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (
          await fx.request('POST', '/v1/auth/2fa/disable', {
            token: member.token,
            body: { password: member.password, code: '000000' },
            headers: from(newIp()),
          })
        ).status,
      );
    expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(statuses[3]).toBe(429);
  });

  it('runs after authentication: a bad token is refused by AccessTokenGuard before any limit, a good one is limited per tenant and user', async () => {
    const ip = newIp();
    const anonymous = await fx.request('GET', '/v1/auth/me', { headers: from(ip) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('ratelimit')).toBeNull();

    const me = await fx.request('GET', '/v1/auth/me', { token: owner.token, headers: from(ip) });
    expect(me.status).toBe(200);
    // The keys come from request.auth, which only AccessTokenGuard sets: it ran first.
    expect(parseRateLimitFields(me.headers.get('ratelimit-policy'))).toEqual({
      tenant: { q: 60_000, w: 60 },
      user: { q: 12_000, w: 60 },
    });
    expect(parseRateLimitFields(me.headers.get('ratelimit')).user.r).toBeLessThan(12_000);
  });

  it('limits other public routes per IP, and never health, readiness or metrics', async () => {
    const setup = await fx.request('POST', '/v1/auth/2fa/setup', { headers: from(newIp()) });
    expect(setup.status).toBe(401);
    expect(parseRateLimitFields(setup.headers.get('ratelimit-policy'))).toEqual({ 'public-ip': { q: 12_000, w: 60 } });
    for (const path of ['/health', '/health/ready', '/metrics']) {
      const answer = await fx.request('GET', path, { headers: from(newIp()) });
      expect(answer.headers.get('ratelimit')).toBeNull();
    }
  });

  it('counts refusals in metrics by policy and limiter', async () => {
    const metrics = await fx.request('GET', '/metrics');
    expect(metrics.body).toMatch(/helpdeskly_rate_limit_refusals_total\{policy="auth-ip",limiter="redis"\} [1-9]/);
    expect(metrics.body).toMatch(/helpdeskly_rate_limit_refusals_total\{policy="auth-account",limiter="redis"\} [1-9]/);
  });

  it('exposes the RateLimit headers through CORS', async () => {
    const answer = await fx.request('GET', '/v1/auth/me', {
      token: owner.token,
      headers: { origin: 'http://localhost:3000' },
    });
    expect(answer.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('ratelimit-policy');
  });
});

describe('RATE_LIMIT_ENABLED=false', () => {
  let fx: ControlFixture;

  before(async () => {
    fx = await ControlFixture.start({
      RATE_LIMIT_ENABLED: 'false',
      RATE_LIMIT_AUTH_PER_IP: '1',
      RATE_LIMIT_AUTH_PER_ACCOUNT: '1',
    });
  });

  after(() => fx?.close());

  it('turns every limit off', async () => {
    const ip = newIp();
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const answer = await fx.request('POST', '/v1/auth/login', {
        body: { email: 'same@rate-limit.test', password: 'Wrong-Password-123' },
        headers: from(ip),
      });
      expect(answer.headers.get('ratelimit')).toBeNull();
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([401, 401, 401]);
  });
});
