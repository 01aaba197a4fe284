import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, type Tenant } from '@helpdeskly/database';
import { ControlFixture, type FixtureMember } from '../testing/control-fixture';

const { OWNER, ADMIN, AGENT } = MembershipRole;

/** Every @Roles() route of control-api follows the caller's current membership, not the token's role. */
describe('@Roles() against the current membership (control-api)', () => {
  let fx: ControlFixture;
  let tenant: Tenant;
  let owner: FixtureMember;

  /** `status code` of `member`'s request with the token they were given before any change. */
  const answer = async (member: FixtureMember, method: string, path: string) => {
    const res = await fx.request(method, path, { token: member.token });
    return `${res.status}${res.body?.code ? ` ${res.body.code}` : ''}`;
  };
  const changeRole = async (member: FixtureMember, role: MembershipRole) => {
    const res = await fx.request('PATCH', `/v1/members/${member.user.id}`, { token: owner.token, body: { role } });
    expect(res.status).toBe(200);
  };
  const ADMIN_ROUTES = [
    ['GET', '/v1/audit-logs'],
    ['GET', '/v1/invitations'],
    ['GET', '/v1/settings'],
  ] as const;

  before(async () => {
    fx = await ControlFixture.start();
    tenant = await fx.createTenant();
    owner = await fx.member(tenant, OWNER);
  });
  after(() => fx?.close());

  it('lets an AGENT promoted to ADMIN onto the ADMIN routes with the AGENT token', async () => {
    const agent = await fx.member(tenant, AGENT);
    for (const [method, path] of ADMIN_ROUTES) expect(await answer(agent, method, path)).toBe('403 insufficient_role');
    await changeRole(agent, ADMIN);
    for (const [method, path] of ADMIN_ROUTES) expect(await answer(agent, method, path)).toBe('200');
  });

  it('refuses an ADMIN demoted to AGENT on the ADMIN routes with the ADMIN token', async () => {
    const admin = await fx.member(tenant, ADMIN);
    for (const [method, path] of ADMIN_ROUTES) expect(await answer(admin, method, path)).toBe('200');
    await changeRole(admin, AGENT);
    for (const [method, path] of ADMIN_ROUTES) expect(await answer(admin, method, path)).toBe('403 insufficient_role');
    // Still a member: a route without @Roles() answers.
    expect(await answer(admin, 'GET', '/v1/members')).toBe('200');
  });

  it('refuses a token whose membership is gone with not_a_member', async () => {
    const other = await fx.createTenant();
    const stranger = await fx.member(other, ADMIN);
    const token = fx.tokenFor(stranger.user, tenant, ADMIN);
    expect(await answer({ ...stranger, token }, 'GET', '/v1/audit-logs')).toBe('403 not_a_member');
  });
});
