import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { parseRateLimitFields } from '@helpdeskly/rate-limit';
import { AppFixture, type TenantWithOwner } from '../testing/app-fixture';

describe('Rate limits of app-api, per tenant and per user', () => {
  let fx: AppFixture;
  let a: TenantWithOwner;
  let b: TenantWithOwner;

  before(async () => {
    fx = await AppFixture.start();
    [a, b] = await Promise.all([fx.createTenantWithOwner(), fx.createTenantWithOwner()]);
    // Before any request of A, so nothing cached still holds its plan defaults.
    await fx.control.db.tenant.update({ where: { id: a.tenant.id }, data: { rateLimits: { tenantPerMinute: 5 } } });
  });

  after(() => fx?.close());

  it('puts per-tenant and per-user limits on authenticated answers, keyed by the verified caller', async () => {
    const answer = await fx.request('GET', '/v1/helpdesk', { token: b.token });
    expect(answer.status).toBe(200);
    // Free plan times RATE_LIMIT_PLAN_MULTIPLIER=100 (.env.test).
    expect(parseRateLimitFields(answer.headers.get('ratelimit-policy'))).toEqual({
      tenant: { q: 60_000, w: 60 },
      user: { q: 12_000, w: 60 },
    });
    const state = parseRateLimitFields(answer.headers.get('ratelimit'));
    expect(state.tenant.r).toBeLessThan(60_000);
    expect(state.user.r).toBeLessThan(12_000);
  });

  it('runs after authentication: no token, no limit consumed and no RateLimit headers', async () => {
    const answer = await fx.request('GET', '/v1/helpdesk');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('ratelimit')).toBeNull();
    expect((await fx.request('GET', '/health')).headers.get('ratelimit')).toBeNull();
  });

  it('refuses tenant A at its limit, shared by its users, while tenant B is untouched', async () => {
    const colleague = await fx.addMember(a.tenant, MembershipRole.AGENT);
    const statuses = [];
    for (const token of [a.token, a.token, a.token, colleague.token, colleague.token])
      statuses.push((await fx.request('GET', '/v1/helpdesk', { token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    const refused = await fx.request('GET', '/v1/helpdesk', { token: colleague.token });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'too_many_requests', policy: 'tenant' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(parseRateLimitFields(refused.headers.get('ratelimit-policy')).tenant).toEqual({ q: 5, w: 60 });
    expect(parseRateLimitFields(refused.headers.get('ratelimit')).tenant.r).toBe(0);

    for (let i = 0; i < 10; i++) expect((await fx.request('GET', '/v1/helpdesk', { token: b.token })).status).toBe(200);
  });
});
