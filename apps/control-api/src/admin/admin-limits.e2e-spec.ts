import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, type Tenant } from '@helpdeskly/database';
import { parseRateLimitFields } from '@helpdeskly/rate-limit';
import { ControlFixture, type FixtureMember } from '../testing/control-fixture';

describe('PATCH /v1/admin/tenants/:id/limits', () => {
  let fx: ControlFixture;
  let tenant: Tenant;
  let admin: FixtureMember;
  let member: FixtureMember;

  const policyOf = async (token: string) => {
    const answer = await fx.request('GET', '/v1/auth/me', { token });
    return {
      status: answer.status,
      body: answer.body,
      policy: parseRateLimitFields(answer.headers.get('ratelimit-policy')),
    };
  };

  before(async () => {
    // RATE_LIMIT_PLAN_MULTIPLIER=100 (.env.test): the free plan is 60,000 per tenant and 12,000 per user.
    fx = await ControlFixture.start();
    tenant = await fx.createTenant();
    member = await fx.member(tenant, MembershipRole.AGENT);
    // The admin works from another tenant, so the overrides tried here never limit the admin.
    admin = await fx.member(await fx.createTenant(), MembershipRole.AGENT, { isPlatformAdmin: true });
  });

  after(() => fx?.close());

  it('applies new overrides at once (the cached limits are invalidated), shows them, and audits before and after', async () => {
    expect((await policyOf(member.token)).policy).toEqual({ tenant: { q: 60_000, w: 60 }, user: { q: 12_000, w: 60 } });

    const patched = await fx.request('PATCH', `/v1/admin/tenants/${tenant.id}/limits`, {
      token: admin.token,
      body: { rateLimits: { userPerMinute: 2 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: tenant.id, plan: 'free', rateLimits: { userPerMinute: 2 } });

    const answers = [await policyOf(member.token), await policyOf(member.token), await policyOf(member.token)];
    expect(answers[0].policy).toEqual({ tenant: { q: 60_000, w: 60 }, user: { q: 2, w: 60 } });
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[2].body).toMatchObject({ code: 'too_many_requests', policy: 'user' });

    const read = await fx.request('GET', `/v1/admin/tenants/${tenant.id}`, { token: admin.token });
    expect(read.body).toMatchObject({ plan: 'free', rateLimits: { userPerMinute: 2 } });

    const reset = await fx.request('PATCH', `/v1/admin/tenants/${tenant.id}/limits`, {
      token: admin.token,
      body: { plan: 'pro', rateLimits: null },
    });
    expect(reset.body).toMatchObject({ plan: 'pro', rateLimits: {} });
    const pro = await policyOf(member.token);
    expect(pro.status).toBe(200);
    expect(pro.policy).toEqual({ tenant: { q: 300_000, w: 60 }, user: { q: 60_000, w: 60 } });

    const audit = await fx.request('GET', `/v1/admin/audit-logs?tenantId=${tenant.id}&action=tenant.limits.updated`, {
      token: admin.token,
    });
    expect(
      audit.body.items.map((e: { actorUserId: string; metadata: unknown }) => [e.actorUserId, e.metadata]),
    ).toEqual([
      [
        admin.user.id,
        { before: { plan: 'free', rateLimits: { userPerMinute: 2 } }, after: { plan: 'pro', rateLimits: {} } },
      ],
      [
        admin.user.id,
        { before: { plan: 'free', rateLimits: {} }, after: { plan: 'free', rateLimits: { userPerMinute: 2 } } },
      ],
    ]);

    const cleared = await fx.request('PATCH', `/v1/admin/tenants/${tenant.id}/limits`, {
      token: admin.token,
      body: { plan: null },
    });
    expect(cleared.body).toMatchObject({ plan: 'free', rateLimits: {} });
  });

  it('validates the body', async () => {
    for (const body of [
      { plan: 'gold' },
      { rateLimits: { tenantPerMinute: 0 } },
      { rateLimits: { userPerMinute: 1.5 } },
      { rateLimits: { perSecond: 5 } },
      { rateLimits: 'lots' },
    ]) {
      const answer = await fx.request('PATCH', `/v1/admin/tenants/${tenant.id}/limits`, { token: admin.token, body });
      expect([answer.status, answer.body.code]).toEqual([400, 'validation_failed']);
    }
  });

  it('is for platform admins only, and answers 404 for an unknown tenant', async () => {
    const owner = await fx.member(tenant, MembershipRole.OWNER);
    expect(
      (
        await fx.request('PATCH', `/v1/admin/tenants/${tenant.id}/limits`, {
          token: owner.token,
          body: { plan: 'enterprise' },
        })
      ).status,
    ).toBe(403);
    const unknown = await fx.request('PATCH', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000/limits', {
      token: admin.token,
      body: { plan: 'pro' },
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'tenant_not_found']);
  });
});
