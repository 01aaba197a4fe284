import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { freePort } from '@helpdeskly/testing';
import { ControlFixture, type FixtureMember, uniqueSuffix } from '../testing/control-fixture';

describe('email outbox while Redis is down', () => {
  let fx: ControlFixture;
  let owner: FixtureMember;

  before(async () => {
    fx = await ControlFixture.start({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    owner = await fx.member(await fx.createTenant(), MembershipRole.OWNER);
  });
  after(() => fx?.close());

  it('answers an invitation with 503 email_queue_unavailable instead of hanging', async () => {
    const response = await fx.request('POST', '/v1/invitations', {
      token: owner.token,
      body: { email: `down-${uniqueSuffix()}@fixture.test`, role: 'AGENT' },
    });
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('email_queue_unavailable');
  });

  it('still answers forgot-password as for any email (no enumeration through errors)', async () => {
    const response = await fx.request('POST', '/v1/auth/password/forgot', { body: { email: owner.user.email } });
    expect(response.status).toBe(202);
  });
});
