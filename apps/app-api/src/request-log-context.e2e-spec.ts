// Every log line of a request made with a valid token names its tenant and user, answered or
// refused (401, 403, 429), in both APIs: what the shipped logs (docker-compose.logging.yml) are
// searched by. Read from the lines the apps wrote (LogCapture), matched by x-request-id.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { type HttpResult, type LogCapture, waitFor } from '@helpdeskly/testing';
import { AppFixture, type FixtureMember } from './testing/app-fixture';

/** The lines of one request, once its request line (the one with a status) is written. */
async function linesOf(logs: LogCapture, response: HttpResult): Promise<Record<string, unknown>[]> {
  const requestId = response.headers.get('x-request-id');
  expect(requestId).toBeTruthy();
  const lines = () => logs.entries().filter((entry) => entry.requestId === requestId);
  await waitFor(
    `the request line of ${requestId}`,
    async () => lines().some((entry) => entry.status !== undefined),
    2_000,
    10,
  );
  return lines();
}

/** Every line names the member; the request line carries the answer's status. */
async function expectNamed(
  logs: LogCapture,
  response: HttpResult,
  member: FixtureMember,
  status: number,
): Promise<void> {
  expect(response.status).toBe(status);
  const lines = await linesOf(logs, response);
  expect(lines.map(({ tenantId, userId }) => ({ tenantId, userId }))).toEqual(
    lines.map(() => ({ tenantId: member.tenant.id, userId: member.user.id })),
  );
  expect(lines.find((entry) => entry.status !== undefined)).toMatchObject({
    status,
    method: expect.any(String),
    route: expect.stringMatching(/^\/v1\//),
  });
}

describe('Tenant and user on the request log lines', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let agent: FixtureMember;
  const appLogs = () => fx.running.logs;
  const controlLogs = () => fx.control.running.logs;

  before(async () => {
    // Two attempts per account on the authentication routes, so a 429 comes on the third.
    fx = await AppFixture.start({ RATE_LIMIT_AUTH_PER_ACCOUNT: '2' });
    owner = await fx.createTenantWithOwner();
    agent = await fx.addMember(owner.tenant, MembershipRole.AGENT);
  });

  after(() => fx?.close());

  it('app-api: an answered request and a role refused by the current membership', async () => {
    await expectNamed(appLogs(), await fx.request('GET', '/v1/helpdesk', { token: owner.token }), owner, 200);
    // The token claims OWNER; the tenant context (the membership) refuses.
    const claimingOwner = { ...agent, token: fx.tokenFor(agent.user, agent.tenant, MembershipRole.OWNER) };
    await expectNamed(appLogs(), await fx.request('GET', '/v1/trash', { token: claimingOwner.token }), agent, 403);
  });

  it('app-api: a member no longer in the tenant (401) and a suspended tenant (403)', async () => {
    const other = await fx.createTenantWithOwner();
    const outsider = {
      ...other,
      tenant: owner.tenant,
      token: fx.tokenFor(other.user, owner.tenant, MembershipRole.AGENT),
    };
    const revoked = await fx.request('GET', '/v1/helpdesk', { token: outsider.token });
    expect(revoked.body).toMatchObject({ code: 'membership_revoked' });
    await expectNamed(appLogs(), revoked, outsider, 401);

    await fx.control.lifecycle.suspend(other.tenant.id);
    let suspended = await fx.request('GET', '/v1/helpdesk', { token: other.token });
    await waitFor(
      'the suspension to reach app-api',
      async () => (suspended = await fx.request('GET', '/v1/helpdesk', { token: other.token })).status === 403,
      2_000,
      10,
    );
    await expectNamed(appLogs(), suspended, other, 403);
  });

  it('app-api: a request refused by the tenant rate limit (429)', async () => {
    const limited = await fx.createTenantWithOwner();
    await fx.control.db.tenant.update({
      where: { id: limited.tenant.id },
      data: { rateLimits: { tenantPerMinute: 2 } },
    });
    let refused = await fx.request('GET', '/v1/helpdesk', { token: limited.token });
    for (let i = 0; i < 5 && refused.status !== 429; i++)
      refused = await fx.request('GET', '/v1/helpdesk', { token: limited.token });
    expect(refused.body).toMatchObject({ code: 'too_many_requests', policy: 'tenant' });
    await expectNamed(appLogs(), refused, limited, 429);
  });

  it('control-api: a role refusal (403) and a 2FA route refused by the per-account limit (429)', async () => {
    await expectNamed(
      controlLogs(),
      await fx.control.request('GET', '/v1/admin/tenants', { token: agent.token }),
      agent,
      403,
    );

    // POST /auth/2fa/enable is public for the global guard: its own guard reads the token, after the rate limit.
    const enable = () =>
      fx.control.request('POST', '/v1/auth/2fa/enable', { token: owner.token, body: { code: '000000' } });
    let refused = await enable();
    for (let i = 0; i < 5 && refused.status !== 429; i++) refused = await enable();
    expect(refused.body).toMatchObject({ code: 'too_many_requests', policy: 'auth-account' });
    await expectNamed(controlLogs(), refused, owner, 429);
  });

  it('names no one when the token is missing or invalid', async () => {
    for (const token of [undefined, `${owner.token.slice(0, -4)}AAAA`]) {
      const refused = await fx.request('GET', '/v1/helpdesk', { token });
      expect(refused.status).toBe(401);
      const lines = await linesOf(appLogs(), refused);
      expect(lines.map(({ tenantId, userId }) => ({ tenantId, userId }))).toEqual(
        lines.map(() => ({ tenantId: undefined, userId: undefined })),
      );
    }
  });
});
