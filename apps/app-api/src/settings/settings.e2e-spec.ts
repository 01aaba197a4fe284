import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import type { AppFixture, FixtureMember } from '../testing/app-fixture';
import { startHelpdeskSession } from '../testing/helpdesk-session';
import { DEFAULT_SLA } from './sla';

const SLA = {
  URGENT: { firstResponseMinutes: 30, resolutionMinutes: 120 },
  HIGH: { firstResponseMinutes: 120, resolutionMinutes: 720 },
  NORMAL: { firstResponseMinutes: 480, resolutionMinutes: 2880 },
  LOW: { firstResponseMinutes: 1440, resolutionMinutes: 10080 },
};

describe('SettingsController (e2e)', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let admin: FixtureMember;
  let agent: FixtureMember;
  let other: FixtureMember;

  before(async () => {
    const session = await startHelpdeskSession({ admin: MembershipRole.ADMIN, agent: MembershipRole.AGENT });
    ({ fx, owner, admin, agent, other } = session);
  });
  after(() => fx?.close());

  it('answers the defaults until targets are set', async () => {
    const res = await fx.request('GET', '/v1/settings/sla', { token: agent.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(DEFAULT_SLA);
  });

  it('lets an OWNER and an ADMIN set the targets, and any member read them', async () => {
    expect((await fx.request('PUT', '/v1/settings/sla', { token: owner.token, body: SLA })).body).toEqual(SLA);
    const changed = { ...SLA, URGENT: { firstResponseMinutes: 15, resolutionMinutes: 60 } };
    const res = await fx.request('PUT', '/v1/settings/sla', { token: admin.token, body: changed });
    expect(res.status).toBe(200);
    expect((await fx.request('GET', '/v1/settings/sla', { token: agent.token })).body).toEqual(changed);
  });

  it('refuses an AGENT with 403', async () => {
    const res = await fx.request('PUT', '/v1/settings/sla', { token: agent.token, body: SLA });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_role');
  });

  it("keeps each tenant's targets to itself", async () => {
    expect((await fx.request('GET', '/v1/settings/sla', { token: other.token })).body).toEqual(DEFAULT_SLA);
  });

  it('refuses bad targets with problem details', async () => {
    const cases: [unknown, number, string][] = [
      [{ ...SLA, LOW: undefined }, 400, 'validation_failed'],
      [{ ...SLA, HIGH: { firstResponseMinutes: 0, resolutionMinutes: 10 } }, 400, 'validation_failed'],
      [{ ...SLA, HIGH: { firstResponseMinutes: 1.5, resolutionMinutes: 10 } }, 400, 'validation_failed'],
      [{ ...SLA, HIGH: { firstResponseMinutes: '60', resolutionMinutes: 10 } }, 400, 'validation_failed'],
      [{ ...SLA, EXTRA: {} }, 400, 'validation_failed'],
      [[], 400, 'validation_failed'],
      [{ ...SLA, HIGH: { firstResponseMinutes: 600, resolutionMinutes: 60 } }, 422, 'invalid_sla'],
    ];
    for (const [body, status, code] of cases) {
      const res = await fx.request('PUT', '/v1/settings/sla', { token: owner.token, body });
      expect({
        status: res.status,
        code: res.body.code,
        problem: res.headers.get('content-type')?.startsWith('application/problem+json'),
      }).toEqual({ status, code, problem: true });
    }
  });
});
