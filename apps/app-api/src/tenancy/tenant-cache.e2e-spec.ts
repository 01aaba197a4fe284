import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { httpRequest, type RunningTestApp, startTestApp, testConfig, waitFor } from '@helpdeskly/testing';
import { APP_API } from '../app-api';
import { AppApiModule } from '../app-api.module';
import { type AppFixture, type FixtureMember, startAppApi } from '../testing/app-fixture';

// Five minutes in process: a change seen within a second can only come from an invalidation.
const ENV = { TENANT_CACHE_TTL_SECONDS: '300', RATE_LIMIT_ENABLED: 'false' };
const WITHIN_MS = 1_000;

describe('tenant cache shared by two app-api instances', () => {
  let fx: AppFixture;
  let second: RunningTestApp;
  let admin: FixtureMember;
  let owner: FixtureMember;
  let bystander: FixtureMember;

  /** GET /v1/helpdesk as `member` on both instances: their statuses and error codes. */
  const onBoth = async (member: FixtureMember) =>
    Promise.all(
      [fx.running.baseUrl, second.baseUrl].map(async (baseUrl) => {
        const res = await httpRequest(baseUrl, 'GET', '/v1/helpdesk', { token: member.token });
        return `${res.status}${res.body?.code ? ` ${res.body.code}` : ''}`;
      }),
    );

  /** Waits (a second at most) until both instances answer `expected`; how many rounds of requests it took. */
  async function bothAnswer(member: FixtureMember, expected: string): Promise<number> {
    let last: string[] = [];
    let rounds = 0;
    await waitFor(
      `both instances to answer ${expected}`,
      async () => (rounds++, (last = await onBoth(member)).every((s) => s === expected)),
      WITHIN_MS,
      10,
    ).catch((error: Error) => {
      throw new Error(`${error.message} (last: ${last.join(', ')})`);
    });
    return rounds;
  }

  before(async () => {
    fx = await startAppApi(ENV);
    // Another instance: its own Nest app, Redis connections and invalidation subscriber.
    const config = testConfig(ENV);
    second = await startTestApp(AppApiModule.forRoot(config), { config, api: APP_API });
    owner = await fx.createTenantWithOwner();
    bystander = await fx.createTenantWithOwner();
    admin = await fx.control.member(bystander.tenant, MembershipRole.AGENT, { isPlatformAdmin: true });
  });

  after(async () => {
    await second?.close();
    await fx?.close();
  });

  it('refuses a suspended tenant on both instances within a second, serves it again once resumed, and leaves another tenant alone', async (t) => {
    // Both instances now hold the tenant as ACTIVE in process, for five minutes.
    expect(await onBoth(owner)).toEqual(['200', '200']);
    expect(await onBoth(bystander)).toEqual(['200', '200']);

    const suspended = await fx.control.request('POST', `/v1/admin/tenants/${owner.tenant.id}/suspend`, {
      token: admin.token,
    });
    expect(suspended.status).toBe(200);
    const refusedAfter = await bothAnswer(owner, '403 tenant_suspended');
    expect(await onBoth(bystander)).toEqual(['200', '200']);

    const resumed = await fx.control.request('POST', `/v1/admin/tenants/${owner.tenant.id}/resume`, {
      token: admin.token,
    });
    expect(resumed.status).toBe(200);
    const servedAfter = await bothAnswer(owner, '200');
    t.diagnostic(
      `rounds of requests to both instances until they refused the suspended tenant: ${refusedAfter}; until they served it again: ${servedAfter}`,
    );
  });

  it('refuses a removed member on both instances within a second, and keeps the others', async (t) => {
    const agent = await fx.addMember(owner.tenant, MembershipRole.AGENT);
    expect(await onBoth(agent)).toEqual(['200', '200']);
    const removed = await fx.control.request('DELETE', `/v1/members/${agent.user.id}`, { token: owner.token });
    expect(removed.status).toBe(204);
    const refusedAfter = await bothAnswer(agent, '401 membership_revoked');
    expect(await onBoth(owner)).toEqual(['200', '200']);
    t.diagnostic(`rounds of requests to both instances until they refused the removed member: ${refusedAfter}`);
  });

  it('applies a role change on both instances within a second', async () => {
    const agent = await fx.addMember(owner.tenant, MembershipRole.AGENT);
    const me = async (baseUrl: string) =>
      (await httpRequest(baseUrl, 'GET', '/v1/helpdesk', { token: agent.token })).body.me.role;
    expect([await me(fx.running.baseUrl), await me(second.baseUrl)]).toEqual(['AGENT', 'AGENT']);
    const changed = await fx.control.request('PATCH', `/v1/members/${agent.user.id}`, {
      token: owner.token,
      body: { role: 'ADMIN' },
    });
    expect(changed.status).toBe(200);
    await waitFor(
      'both instances to see ADMIN',
      async () => (await me(fx.running.baseUrl)) === 'ADMIN' && (await me(second.baseUrl)) === 'ADMIN',
      WITHIN_MS,
      10,
    );
  });
});
