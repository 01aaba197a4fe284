import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { waitFor } from '@helpdeskly/testing';
import { type AppFixture, type FixtureMember, startAppApi } from '../testing/app-fixture';

// Five minutes in process: a change seen within a second can only come from control-api's invalidation.
const ENV = { TENANT_CACHE_TTL_SECONDS: '300', RATE_LIMIT_ENABLED: 'false' };
const WITHIN_MS = 1_000;

/**
 * A membership changed in control-api takes effect in app-api at once, whatever the caller's
 * access token says: @Roles() routes follow the current role, and assignee checks the current
 * members.
 */
describe('membership changes seen by app-api before the token is refreshed', () => {
  let fx: AppFixture;
  let owner: FixtureMember;

  /** `status code` of `member`'s request with the token they were given before the change. */
  const answer = async (member: FixtureMember, method: string, path: string, body?: unknown) => {
    const res = await fx.request(method, path, { token: member.token, body });
    return `${res.status}${res.body?.code ? ` ${res.body.code}` : ''}`;
  };
  const changeRole = async (member: FixtureMember, role: MembershipRole) => {
    const res = await fx.control.request('PATCH', `/v1/members/${member.user.id}`, {
      token: owner.token,
      body: { role },
    });
    expect(res.status).toBe(200);
  };
  const eventuallyAnswers = (expected: string, probe: () => Promise<string>) => {
    let last = '';
    return waitFor(`${expected}`, async () => (last = await probe()) === expected, WITHIN_MS, 20).catch(
      (error: Error) => {
        throw new Error(`${error.message} (last: ${last})`);
      },
    );
  };
  const ticketAssignedTo = (member: FixtureMember) => ({
    subject: 'Printer on fire',
    description: 'It broke.',
    requester: { email: 'customer@example.com' },
    assigneeId: member.user.id,
  });

  before(async () => {
    fx = await startAppApi(ENV);
    owner = await fx.createTenantWithOwner();
  });
  after(() => fx?.close());

  it('lets an AGENT promoted to ADMIN onto an ADMIN route with the AGENT token', async () => {
    const agent = await fx.addMember(owner.tenant, MembershipRole.AGENT);
    // Cached as AGENT first: only the invalidation can let the promotion through.
    expect(await answer(agent, 'GET', '/v1/trash')).toBe('403 insufficient_role');
    await changeRole(agent, MembershipRole.ADMIN);
    await eventuallyAnswers('200', () => answer(agent, 'GET', '/v1/trash'));
  });

  it('refuses an ADMIN demoted to AGENT on an ADMIN route with the ADMIN token', async () => {
    const admin = await fx.addMember(owner.tenant, MembershipRole.ADMIN);
    expect(await answer(admin, 'GET', '/v1/trash')).toBe('200');
    await changeRole(admin, MembershipRole.AGENT);
    await eventuallyAnswers('403 insufficient_role', () => answer(admin, 'GET', '/v1/trash'));
    // Still a member: the other routes answer.
    expect(await answer(admin, 'GET', '/v1/helpdesk')).toBe('200');
  });

  it('refuses a removed member as an assignee at once', async () => {
    const agent = await fx.addMember(owner.tenant, MembershipRole.AGENT);
    // Assignable, and known to app-api as a member before the removal.
    expect(await answer(owner, 'POST', '/v1/tickets', ticketAssignedTo(agent))).toBe('201');
    const removed = await fx.control.request('DELETE', `/v1/members/${agent.user.id}`, { token: owner.token });
    expect(removed.status).toBe(204);
    await eventuallyAnswers('422 assignee_not_member', () =>
      answer(owner, 'POST', '/v1/tickets', ticketAssignedTo(agent)),
    );
  });
});
