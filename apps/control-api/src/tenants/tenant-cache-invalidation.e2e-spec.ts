import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, type Tenant, TenantStatus } from '@helpdeskly/database';
import { freePort } from '@helpdeskly/testing';
import { ControlFixture, type FixtureMember } from '../testing/control-fixture';

describe('admin actions while the cache Redis is down', () => {
  let fx: ControlFixture;
  let tenant: Tenant;
  let admin: FixtureMember;
  let owner: FixtureMember;

  before(async () => {
    // Nothing listens there: every invalidation fails, and is only logged.
    fx = await ControlFixture.start({ REDIS_CACHE_URL: `redis://127.0.0.1:${await freePort()}/0` });
    tenant = await fx.createTenant();
    [admin, owner] = await Promise.all([
      fx.member(tenant, MembershipRole.AGENT, { isPlatformAdmin: true }),
      fx.member(tenant, MembershipRole.OWNER),
    ]);
  });
  after(() => fx?.close());

  it('still suspends and resumes a tenant, and removes a member', async () => {
    const suspended = await fx.request('POST', `/v1/admin/tenants/${tenant.id}/suspend`, { token: admin.token });
    expect([suspended.status, suspended.body.status]).toEqual([200, TenantStatus.SUSPENDED]);
    const resumed = await fx.request('POST', `/v1/admin/tenants/${tenant.id}/resume`, { token: admin.token });
    expect([resumed.status, resumed.body.status]).toEqual([200, TenantStatus.ACTIVE]);
    const agent = await fx.member(tenant, MembershipRole.AGENT);
    expect((await fx.request('DELETE', `/v1/members/${agent.user.id}`, { token: owner.token })).status).toBe(204);
    expect(fx.running.logs.text).toContain('Cache invalidation not published');
  });
});
