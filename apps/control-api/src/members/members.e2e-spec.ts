import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, type Tenant } from '@helpdeskly/database';
import { RefreshTokensService } from '../auth/sessions/refresh-tokens.service';
import { emailJobId } from '@helpdeskly/mail';
import { ControlFixture, type FixtureMember, uniqueSuffix } from '../testing/control-fixture';

const { OWNER, ADMIN, AGENT } = MembershipRole;

describe('members and invitations', () => {
  let fx: ControlFixture;
  let tenantA: Tenant;
  let tenantB: Tenant;
  let ownerA: FixtureMember;
  let adminA: FixtureMember;
  let agentA: FixtureMember;
  let ownerB: FixtureMember;

  /** Invites `email` into the inviter's tenant and returns the invitation and the token of its emailed link. */
  async function invite(inviter: FixtureMember, email: string, role: MembershipRole) {
    const response = await fx.request('POST', '/v1/invitations', { token: inviter.token, body: { email, role } });
    expect(response.status).toBe(201);
    const job = await fx.emailQueue.getJob(emailJobId('invitation', response.body.id));
    expect(job?.data).toMatchObject({
      template: 'invitation',
      to: email.toLowerCase(),
      data: { tenantName: inviter.tenant.name, role },
    });
    const link = new URL((job!.data.data as { link: string }).link);
    return { invitation: response.body, token: link.searchParams.get('token')!, link };
  }

  const members = async (member: FixtureMember) =>
    (await fx.request('GET', '/v1/members', { token: member.token })).body.items as Array<{
      userId: string;
      role: string;
    }>;
  const auditOf = (tenantId: string, action: string) =>
    fx.db.auditLog.findMany({ where: { tenantId, action }, orderBy: { createdAt: 'asc' } });

  before(async () => {
    fx = await ControlFixture.start();
    [tenantA, tenantB] = await Promise.all([fx.createTenant(), fx.createTenant()]);
    [ownerA, adminA, agentA, ownerB] = await Promise.all([
      fx.member(tenantA, OWNER),
      fx.member(tenantA, ADMIN),
      fx.member(tenantA, AGENT),
      fx.member(tenantB, OWNER),
    ]);
  });
  after(() => fx?.close());

  describe('GET /v1/members', () => {
    it("lists the members of the token's tenant to any member, without secrets", async () => {
      const response = await fx.request('GET', '/v1/members', { token: agentA.token });
      expect(response.status).toBe(200);
      expect(response.body.items).toHaveLength(3);
      expect(response.body.items).toContainEqual({
        userId: adminA.user.id,
        name: adminA.user.name,
        email: adminA.user.email,
        role: ADMIN,
        since: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/passwordHash|\$2[aby]\$/);
    });

    it('needs an access token', async () => {
      expect((await fx.request('GET', '/v1/members')).status).toBe(401);
    });
  });

  describe('tenant isolation', () => {
    it('never lists, changes or removes members of another tenant', async () => {
      const listed = await members(ownerB);
      expect(listed.map((m) => m.userId)).toEqual([ownerB.user.id]);
      const patched = await fx.request('PATCH', `/v1/members/${agentA.user.id}`, {
        token: ownerB.token,
        body: { role: ADMIN },
      });
      expect(patched.status).toBe(404);
      expect(patched.body.code).toBe('member_not_found');
      const removed = await fx.request('DELETE', `/v1/members/${agentA.user.id}`, { token: ownerB.token });
      expect(removed.status).toBe(404);
      expect((await members(ownerA)).find((m) => m.userId === agentA.user.id)?.role).toBe(AGENT);
    });

    it('never invites into, lists or revokes invitations of another tenant', async () => {
      const { invitation } = await invite(ownerB, `iso-${uniqueSuffix()}@fixture.test`, AGENT);
      expect((await fx.db.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).tenantId).toBe(tenantB.id);
      const listedByA = await fx.request('GET', '/v1/invitations', { token: ownerA.token });
      expect(listedByA.body.items.map((i: { id: string }) => i.id)).not.toContain(invitation.id);
      const revokedByA = await fx.request('DELETE', `/v1/invitations/${invitation.id}`, { token: ownerA.token });
      expect(revokedByA.status).toBe(404);
      expect(revokedByA.body.code).toBe('invitation_not_found');
    });
  });

  describe('invitations', () => {
    it('invites a new email, emails the link through the queue, and accepting creates the account and the membership once', async () => {
      const email = `New-${uniqueSuffix()}@Fixture.test`;
      const { invitation, token, link } = await invite(adminA, email, AGENT);
      expect(invitation).toMatchObject({ email: email.toLowerCase(), role: AGENT, invitedById: adminA.user.id });
      expect(JSON.stringify(invitation)).not.toContain(token);
      expect(`${link.origin}${link.pathname}`).toBe(`${fx.running.config.http.frontendUrl}/accept-invitation`);
      const stored = await fx.db.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
      expect(stored.tokenHash).not.toContain(token);
      expect(Math.round((stored.expiresAt.getTime() - stored.createdAt.getTime()) / 3_600_000)).toBe(
        fx.running.config.auth.invitationTtlHours,
      );

      const pending = await fx.request('GET', '/v1/invitations', { token: ownerA.token });
      expect(pending.body.items.map((i: { id: string }) => i.id)).toContain(invitation.id);

      const accepted = await fx.request('POST', '/v1/invitations/accept', {
        body: { token, name: 'Grace Hopper', password: 'Compiler-A-0-1952' },
      });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({
        tenant: { id: tenantA.id, slug: tenantA.slug },
        role: AGENT,
        accountCreated: true,
      });
      expect((await members(ownerA)).find((m) => m.userId === accepted.body.userId)?.role).toBe(AGENT);

      const again = await fx.request('POST', '/v1/invitations/accept', {
        body: { token, name: 'Grace Hopper', password: 'Compiler-A-0-1952' },
      });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('invitation_already_accepted');
      expect(
        (await fx.request('GET', '/v1/invitations', { token: ownerA.token })).body.items.map(
          (i: { id: string }) => i.id,
        ),
      ).not.toContain(invitation.id);

      expect(await auditOf(tenantA.id, 'membership.invited')).toContainEqual(
        expect.objectContaining({
          actorUserId: adminA.user.id,
          targetId: invitation.id,
          metadata: expect.objectContaining({ role: AGENT }),
        }),
      );
      expect(await auditOf(tenantA.id, 'membership.accepted')).toContainEqual(
        expect.objectContaining({
          actorUserId: accepted.body.userId,
          metadata: expect.objectContaining({ before: null, after: AGENT, accountCreated: true }),
        }),
      );
    });

    it('asks a new account for a name and an acceptable password', async () => {
      const { token } = await invite(ownerA, `details-${uniqueSuffix()}@fixture.test`, AGENT);
      const missing = await fx.request('POST', '/v1/invitations/accept', { body: { token } });
      expect(missing.status).toBe(422);
      expect(missing.body.code).toBe('account_details_required');
      expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.name', 'body.password']);
      const weak = await fx.request('POST', '/v1/invitations/accept', {
        body: { token, name: 'Weak', password: 'password123' },
      });
      expect(weak.status).toBe(422);
      expect(weak.body.code).toBe('weak_password');
    });

    it('lets a user who has an account accept only with their own access token', async () => {
      const { token } = await invite(ownerA, ownerB.user.email, ADMIN);
      const anonymous = await fx.request('POST', '/v1/invitations/accept', { body: { token } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('invitation_login_required');
      const someoneElse = await fx.request('POST', '/v1/invitations/accept', { token: agentA.token, body: { token } });
      expect(someoneElse.status).toBe(403);
      expect(someoneElse.body.code).toBe('invitation_email_mismatch');
      const forged = await fx.request('POST', '/v1/invitations/accept', { token: 'not-a-jwt', body: { token } });
      expect(forged.status).toBe(401);

      const accepted = await fx.request('POST', '/v1/invitations/accept', { token: ownerB.token, body: { token } });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({
        userId: ownerB.user.id,
        role: ADMIN,
        accountCreated: false,
        tenant: { id: tenantA.id },
      });
      expect((await members(ownerA)).find((m) => m.userId === ownerB.user.id)?.role).toBe(ADMIN);
      // Still OWNER of their own tenant, and nothing else changed there.
      expect(await members(ownerB)).toEqual([expect.objectContaining({ userId: ownerB.user.id, role: OWNER })]);
      await fx.request('DELETE', `/v1/members/${ownerB.user.id}`, { token: ownerA.token });
    });

    it('refuses an expired, a revoked and an unknown invitation', async () => {
      const expired = await invite(ownerA, `expired-${uniqueSuffix()}@fixture.test`, AGENT);
      await fx.db.invitation.update({
        where: { id: expired.invitation.id },
        data: { expiresAt: new Date(Date.now() - 1_000) },
      });
      const late = await fx.request('POST', '/v1/invitations/accept', {
        body: { token: expired.token, name: 'Late', password: 'Compiler-A-0-1952' },
      });
      expect(late.status).toBe(410);
      expect(late.body.code).toBe('invitation_expired');
      expect(
        (await fx.request('GET', '/v1/invitations', { token: ownerA.token })).body.items.map(
          (i: { id: string }) => i.id,
        ),
      ).not.toContain(expired.invitation.id);

      const revoked = await invite(ownerA, `revoked-${uniqueSuffix()}@fixture.test`, AGENT);
      expect(
        (await fx.request('DELETE', `/v1/invitations/${revoked.invitation.id}`, { token: adminA.token })).status,
      ).toBe(204);
      const refused = await fx.request('POST', '/v1/invitations/accept', {
        body: { token: revoked.token, name: 'Revoked', password: 'Compiler-A-0-1952' },
      });
      expect(refused.status).toBe(410);
      expect(refused.body.code).toBe('invitation_revoked');

      const unknown = await fx.request('POST', '/v1/invitations/accept', {
        body: { token: 'x'.repeat(43), name: 'Nobody', password: 'Compiler-A-0-1952' },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('invitation_not_found');
    });

    it('replaces a pending invitation of the same email: only the newest link works', async () => {
      const email = `twice-${uniqueSuffix()}@fixture.test`;
      const first = await invite(ownerA, email, AGENT);
      const second = await invite(ownerA, email, ADMIN);
      expect(
        (
          await fx.request('POST', '/v1/invitations/accept', {
            body: { token: first.token, name: 'Twice', password: 'Compiler-A-0-1952' },
          })
        ).body.code,
      ).toBe('invitation_revoked');
      const accepted = await fx.request('POST', '/v1/invitations/accept', {
        body: { token: second.token, name: 'Twice', password: 'Compiler-A-0-1952' },
      });
      expect(accepted.body.role).toBe(ADMIN);
    });

    it('keeps OWNER invitations to OWNERs, invitations to OWNERs and ADMINs, and refuses existing members', async () => {
      const byAdmin = await fx.request('POST', '/v1/invitations', {
        token: adminA.token,
        body: { email: `owner-${uniqueSuffix()}@fixture.test`, role: OWNER },
      });
      expect(byAdmin.status).toBe(403);
      expect(byAdmin.body.code).toBe('role_not_allowed');
      const byAgent = await fx.request('POST', '/v1/invitations', {
        token: agentA.token,
        body: { email: `x-${uniqueSuffix()}@fixture.test`, role: AGENT },
      });
      expect(byAgent.status).toBe(403);
      expect((await fx.request('GET', '/v1/invitations', { token: agentA.token })).status).toBe(403);
      const member = await fx.request('POST', '/v1/invitations', {
        token: ownerA.token,
        body: { email: agentA.user.email.toUpperCase(), role: AGENT },
      });
      expect(member.status).toBe(409);
      expect(member.body.code).toBe('already_member');
    });

    it('validates bodies and ids', async () => {
      const bad = await fx.request('POST', '/v1/invitations', {
        token: ownerA.token,
        body: { email: 'nope', role: 'KING', extra: 1 },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'body.email',
        'body.extra',
        'body.role',
      ]);
      expect((await fx.request('DELETE', '/v1/invitations/not-a-uuid', { token: ownerA.token })).status).toBe(400);
      expect((await fx.request('POST', '/v1/invitations/accept', { body: { token: 'short' } })).status).toBe(400);
    });
  });

  describe('roles', () => {
    it('lets an ADMIN switch members between AGENT and ADMIN only', async () => {
      const agent = await fx.member(tenantA, AGENT);
      const promoted = await fx.request('PATCH', `/v1/members/${agent.user.id}`, {
        token: adminA.token,
        body: { role: ADMIN },
      });
      expect(promoted.status).toBe(200);
      expect(promoted.body).toMatchObject({ userId: agent.user.id, role: ADMIN, email: agent.user.email });
      const toOwner = await fx.request('PATCH', `/v1/members/${agent.user.id}`, {
        token: adminA.token,
        body: { role: OWNER },
      });
      expect(toOwner.status).toBe(403);
      expect(toOwner.body.code).toBe('role_not_allowed');
      const demoteOwner = await fx.request('PATCH', `/v1/members/${ownerA.user.id}`, {
        token: adminA.token,
        body: { role: ADMIN },
      });
      expect(demoteOwner.status).toBe(403);
      expect(
        (await fx.request('PATCH', `/v1/members/${agent.user.id}`, { token: agentA.token, body: { role: AGENT } }))
          .status,
      ).toBe(403);
      const changes = await auditOf(tenantA.id, 'membership.role_changed');
      expect(changes).toContainEqual(
        expect.objectContaining({
          actorUserId: adminA.user.id,
          targetId: agent.user.id,
          metadata: expect.objectContaining({ before: AGENT, after: ADMIN }),
        }),
      );
    });

    it('never demotes the last OWNER, and does once there is another', async () => {
      const tenant = await fx.createTenant();
      const owner = await fx.member(tenant, OWNER);
      const last = await fx.request('PATCH', `/v1/members/${owner.user.id}`, {
        token: owner.token,
        body: { role: ADMIN },
      });
      expect(last.status).toBe(409);
      expect(last.body.code).toBe('last_owner');
      const other = await fx.member(tenant, AGENT);
      expect(
        (await fx.request('PATCH', `/v1/members/${other.user.id}`, { token: owner.token, body: { role: OWNER } }))
          .status,
      ).toBe(200);
      expect(
        (await fx.request('PATCH', `/v1/members/${owner.user.id}`, { token: owner.token, body: { role: ADMIN } })).body
          .role,
      ).toBe(ADMIN);
    });

    it('keeps an OWNER when two OWNERs demote each other at once', async () => {
      const tenant = await fx.createTenant();
      const [a, b] = await Promise.all([fx.member(tenant, OWNER), fx.member(tenant, OWNER)]);
      const results = await Promise.all([
        fx.request('PATCH', `/v1/members/${b.user.id}`, { token: a.token, body: { role: AGENT } }),
        fx.request('PATCH', `/v1/members/${a.user.id}`, { token: b.token, body: { role: AGENT } }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(await fx.db.membership.count({ where: { tenantId: tenant.id, role: OWNER } })).toBe(1);
    });
  });

  describe('removal', () => {
    it('removes a member, revokes their refresh tokens of that tenant only, and audits it', async () => {
      const leaver = await fx.member(tenantA, AGENT);
      await fx.addMember(leaver, tenantB, AGENT);
      const sessions = fx.running.app.get(RefreshTokensService);
      const [inA, inB] = await Promise.all([
        sessions.issue(leaver.user.id, tenantA.id, {}),
        sessions.issue(leaver.user.id, tenantB.id, {}),
      ]);

      const removed = await fx.request('DELETE', `/v1/members/${leaver.user.id}`, { token: adminA.token });
      expect(removed.status).toBe(204);
      expect((await members(ownerA)).map((m) => m.userId)).not.toContain(leaver.user.id);
      const families = await fx.db.refreshToken.findMany({ where: { userId: leaver.user.id } });
      expect(families.find((t) => t.familyId === inA.familyId)?.revokedAt).not.toBeNull();
      expect(families.find((t) => t.familyId === inB.familyId)?.revokedAt).toBeNull();
      expect(await auditOf(tenantA.id, 'membership.removed')).toContainEqual(
        expect.objectContaining({
          actorUserId: adminA.user.id,
          targetId: leaver.user.id,
          metadata: expect.objectContaining({ before: AGENT, after: null, left: false, revokedSessions: 1 }),
        }),
      );
      // Gone means gone: the token it still holds no longer lists members.
      expect((await fx.request('GET', '/v1/members', { token: leaver.token })).status).toBe(403);
    });

    it('lets any member leave, an AGENT remove no one else, and an ADMIN remove no OWNER', async () => {
      const [leaver, other] = await Promise.all([fx.member(tenantA, AGENT), fx.member(tenantA, AGENT)]);
      expect((await fx.request('DELETE', `/v1/members/${other.user.id}`, { token: leaver.token })).status).toBe(403);
      expect((await fx.request('DELETE', `/v1/members/${leaver.user.id}`, { token: leaver.token })).status).toBe(204);
      const ownerByAdmin = await fx.request('DELETE', `/v1/members/${ownerA.user.id}`, { token: adminA.token });
      expect(ownerByAdmin.status).toBe(403);
      expect(ownerByAdmin.body.code).toBe('role_not_allowed');
    });

    it('never lets the last OWNER leave or be removed', async () => {
      const tenant = await fx.createTenant();
      const owner = await fx.member(tenant, OWNER);
      const leave = await fx.request('DELETE', `/v1/members/${owner.user.id}`, { token: owner.token });
      expect(leave.status).toBe(409);
      expect(leave.body.code).toBe('last_owner');
      expect(await fx.db.membership.count({ where: { tenantId: tenant.id } })).toBe(1);
    });
  });
});
