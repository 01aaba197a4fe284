import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, type Tenant } from '@helpdeskly/database';
import { httpRequest, type RunningTestApp } from '@helpdeskly/testing';
import { startAppApiWith } from '../../../app-api/src/testing/app-fixture';
import { ControlFixture, eventually, type FixtureMember } from '../testing/control-fixture';
import { MembershipsRepository } from '../users/memberships.repository';

const DEFAULTS = { require2faForAdmins: false, emailSenderName: null };

describe('GET/PATCH /v1/settings (e2e)', () => {
  let fx: ControlFixture;
  let appApi: RunningTestApp;
  let tenant: Tenant;
  let owner: FixtureMember;
  let admin: FixtureMember;
  let agent: FixtureMember;
  let otherOwner: FixtureMember;

  before(async () => {
    fx = await ControlFixture.start();
    // app-api in the same process, with a cache of its own: it hears of changes only through Redis.
    appApi = await startAppApiWith(fx.running.config);
    const [a, b] = await Promise.all([fx.createTenant(), fx.createTenant()]);
    tenant = a;
    [owner, admin, agent, otherOwner] = await Promise.all([
      fx.member(a, MembershipRole.OWNER),
      fx.member(a, MembershipRole.ADMIN),
      fx.member(a, MembershipRole.AGENT),
      fx.member(b, MembershipRole.OWNER),
    ]);
  });
  after(async () => {
    try {
      await appApi?.close();
    } finally {
      await fx?.close();
    }
  });

  const settings = (member: FixtureMember, token = member.token) => fx.request('GET', '/v1/settings', { token });
  const patch = (member: FixtureMember, body: unknown) =>
    fx.request('PATCH', '/v1/settings', { token: member.token, body });
  const login = (member: FixtureMember) =>
    fx.request('POST', '/v1/auth/login', { body: { email: member.user.email, password: member.password } });
  const updates = () =>
    fx.db.auditLog.findMany({
      where: { tenantId: tenant.id, action: 'tenant.settings.updated' },
      orderBy: { chainSeq: 'asc' },
    });
  /** The sender name app-api's request context holds for the tenant (what ticket emails use). */
  const appApiSenderName = async () => {
    const res = await httpRequest(appApi.baseUrl, 'GET', '/v1/helpdesk', { token: agent.token });
    expect(res.status).toBe(200);
    return res.body.tenant.settings.emailSenderName ?? null;
  };

  it('answers the defaults to an OWNER and an ADMIN, and refuses an AGENT', async () => {
    for (const member of [owner, admin]) expect(await settings(member)).toMatchObject({ status: 200, body: DEFAULTS });
    const refused = await settings(agent);
    expect([refused.status, refused.body.code]).toEqual([403, 'insufficient_role']);
  });

  it('lets an OWNER set the sender name, audited with before and after, and app-api uses it at once', async () => {
    // Cached by app-api first: only the invalidation can make it see the change.
    expect(await appApiSenderName()).toBeNull();

    const res = await patch(owner, { emailSenderName: '  Acme Support  ' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ require2faForAdmins: false, emailSenderName: 'Acme Support' });
    expect((await settings(admin)).body).toEqual(res.body);
    expect((await fx.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).settings).toEqual({
      emailSenderName: 'Acme Support',
    });

    // Well within the in-process TTL, and the Redis copy would last minutes: the invalidation did it.
    expect(
      await eventually(
        'app-api to see the new sender name',
        async () => ((await appApiSenderName()) === 'Acme Support' ? true : null),
        2_000,
      ),
    ).toBe(true);

    const [entry] = await updates();
    expect(entry).toMatchObject({
      actorUserId: owner.user.id,
      targetType: 'tenant',
      targetId: tenant.id,
      success: true,
      metadata: { before: DEFAULTS, after: { require2faForAdmins: false, emailSenderName: 'Acme Support' } },
    });
    const listed = await fx.request('GET', '/v1/audit-logs?action=tenant.settings.updated', { token: owner.token });
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([entry.id]);
  });

  it('writes no audit entry for a change that changes nothing', async () => {
    const count = (await updates()).length;
    for (const body of [{}, { emailSenderName: 'Acme Support' }, { require2faForAdmins: false }]) {
      expect(await patch(owner, body)).toMatchObject({
        status: 200,
        body: { require2faForAdmins: false, emailSenderName: 'Acme Support' },
      });
    }
    expect(await updates()).toHaveLength(count);
  });

  it('refuses invalid bodies with 400 problem details and changes nothing', async () => {
    const before = (await fx.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).settings;
    const cases: Array<[string, unknown, string]> = [
      ['a boolean as a string', { require2faForAdmins: 'true' }, 'body.require2faForAdmins'],
      ['null for the 2FA rule', { require2faForAdmins: null }, 'body.require2faForAdmins'],
      ['an empty name', { emailSenderName: '' }, 'body.emailSenderName'],
      ['a blank name', { emailSenderName: '   ' }, 'body.emailSenderName'],
      ['a name over 100 characters', { emailSenderName: 'x'.repeat(101) }, 'body.emailSenderName'],
      ['a name that is no string', { emailSenderName: 42 }, 'body.emailSenderName'],
      ['a header injection', { emailSenderName: 'Acme\r\nBcc: victim@example.com' }, 'body.emailSenderName'],
      ['a bare LF', { emailSenderName: 'Acme\nSupport' }, 'body.emailSenderName'],
      ['a tab', { emailSenderName: 'Acme\tSupport' }, 'body.emailSenderName'],
      ['a C1 control', { emailSenderName: 'Acme\u0085Support' }, 'body.emailSenderName'],
      ['a line separator', { emailSenderName: 'Acme\u2028Support' }, 'body.emailSenderName'],
      ['a bidi override', { emailSenderName: 'Acme \u202Etroppus' }, 'body.emailSenderName'],
      ['an unknown field', { emailSenderName: 'Acme', plan: 'enterprise' }, 'body.plan'],
      ["app-api's SLA setting", { sla: {} }, 'body.sla'],
      ['an array', [], 'body'],
    ];
    for (const [what, body, field] of cases) {
      const res = await patch(owner, body);
      expect({
        what,
        status: res.status,
        code: res.body.code,
        problem: res.headers.get('content-type')?.startsWith('application/problem+json'),
        fields: res.body.errors?.map((e: { field: string }) => e.field),
      }).toEqual({
        what,
        status: 400,
        code: 'validation_failed',
        problem: true,
        fields: expect.arrayContaining([field]),
      });
    }
    // NUL is refused before validation, as on every route.
    expect((await patch(owner, { emailSenderName: 'Acme\u0000' })).status).toBe(400);
    expect((await fx.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).settings).toEqual(before);
  });

  it('takes a name of exactly 100 characters, and null back to the tenant name', async () => {
    const long = `${'é'.repeat(99)}!`;
    expect((await patch(owner, { emailSenderName: long })).body.emailSenderName).toBe(long);
    const cleared = await patch(owner, { emailSenderName: null });
    expect(cleared).toMatchObject({ status: 200, body: { emailSenderName: null } });
    // The explicit false of the previous test stays; the name is gone.
    expect((await fx.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).settings).toEqual({
      require2faForAdmins: false,
    });
    expect(
      await eventually(
        'app-api to forget the sender name',
        async () => ((await appApiSenderName()) === null ? true : null),
        2_000,
      ),
    ).toBe(true);
  });

  it('refuses an ADMIN and an AGENT a change with 403, and an OWNER demoted since their token', async () => {
    for (const member of [admin, agent]) {
      const res = await patch(member, { emailSenderName: 'Not Allowed' });
      expect([res.status, res.body.code]).toEqual([403, 'insufficient_role']);
    }
    const demoted = await fx.member(tenant, MembershipRole.OWNER);
    await fx.running.app.get(MembershipsRepository).updateRole(demoted.user.id, tenant.id, MembershipRole.AGENT);
    expect((await patch(demoted, { emailSenderName: 'Not Allowed' })).status).toBe(403);
    expect((await settings(demoted)).status).toBe(403);
    expect((await settings(owner)).body.emailSenderName).toBeNull();
  });

  it("keeps each tenant's settings to itself: the token's tenant, and a membership in it, decide", async () => {
    expect(await patch(otherOwner, { emailSenderName: 'Tenant B' })).toMatchObject({
      status: 200,
      body: { emailSenderName: 'Tenant B' },
    });
    expect((await settings(owner)).body.emailSenderName).toBeNull();
    // A token naming tenant A for a user who is only a member of B (as after a removal) reads and changes nothing.
    const intruder = { ...otherOwner, token: fx.tokenFor(otherOwner.user, tenant, MembershipRole.OWNER) };
    expect((await settings(intruder)).status).toBe(403);
    expect((await patch(intruder, { emailSenderName: 'Intruder' })).status).toBe(403);
    expect((await settings(owner)).body.emailSenderName).toBeNull();
    expect((await settings(otherOwner)).body.emailSenderName).toBe('Tenant B');
  });

  it('require2faForAdmins=true makes an ADMIN without 2FA enrol at login; an AGENT is not concerned', async () => {
    expect((await login(admin)).status).toBe(200);

    expect(await patch(owner, { require2faForAdmins: true })).toMatchObject({
      status: 200,
      body: { require2faForAdmins: true, emailSenderName: null },
    });
    const refused = await login(admin);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'two_factor_enrollment_required', enrollmentToken: expect.any(String) });
    expect(refused.body.accessToken).toBeUndefined();
    expect((await login(agent)).status).toBe(200);

    expect((await patch(owner, { require2faForAdmins: false })).body.require2faForAdmins).toBe(false);
    expect((await login(admin)).status).toBe(200);
    const last = (await updates()).slice(-2).map((e) => e.metadata);
    expect(last).toEqual([
      { before: DEFAULTS, after: { require2faForAdmins: true, emailSenderName: null } },
      { before: { require2faForAdmins: true, emailSenderName: null }, after: DEFAULTS },
    ]);
  });

  it('answers without a token 401', async () => {
    expect((await fx.request('GET', '/v1/settings')).status).toBe(401);
    expect((await fx.request('PATCH', '/v1/settings', { body: { require2faForAdmins: true } })).status).toBe(401);
  });
});
