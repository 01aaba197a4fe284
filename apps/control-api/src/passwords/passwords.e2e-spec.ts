import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, type Tenant } from '@helpdeskly/database';
import { PasswordHasher } from '../auth/password-hasher.service';
import { RefreshTokensService } from '../auth/sessions/refresh-tokens.service';
import { EmailOutbox, emailJobId } from '@helpdeskly/mail';
import { ControlFixture, eventually, type FixtureMember, uniqueSuffix } from '../testing/control-fixture';

const NEW_PASSWORD = 'Difference-Engine-1822';

describe('passwords', () => {
  let fx: ControlFixture;
  let tenant: Tenant;

  before(async () => {
    fx = await ControlFixture.start();
    tenant = await fx.createTenant();
  });
  after(() => fx?.close());

  const passwordIs = async (userId: string, password: string) =>
    fx.running.app
      .get(PasswordHasher)
      .verify(password, (await fx.db.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash);
  const liveSessions = (userId: string) => fx.db.refreshToken.count({ where: { userId, revokedAt: null } });

  const seen: string[] = [];

  /** Asks for a reset link and reads it from the job of the real email queue. */
  async function forgot(member: FixtureMember): Promise<{ token: string; link: URL; resetId: string }> {
    const response = await fx.request('POST', '/v1/auth/password/forgot', {
      body: { email: member.user.email.toUpperCase() },
    });
    expect(response.status).toBe(202);
    const row = await eventually('the reset token', () =>
      fx.db.passwordResetToken.findFirst({
        where: { userId: member.user.id, usedAt: null, id: { notIn: seen } },
        orderBy: { createdAt: 'desc' },
      }),
    );
    seen.push(row.id);
    const job = await eventually('the reset email job', () =>
      fx.emailQueue.getJob(emailJobId('password-reset', row.id)),
    );
    expect(job.data).toMatchObject({
      template: 'password-reset',
      to: member.user.email,
      data: { name: member.user.name },
    });
    expect(job.opts).toMatchObject({
      attempts: 5,
      backoff: { type: 'exponential' },
      removeOnFail: { age: 14 * 86_400, count: 10_000 },
    });
    const link = new URL((job.data.data as { link: string }).link);
    return { token: link.searchParams.get('token')!, link, resetId: row.id };
  }

  describe('POST /v1/auth/password/forgot', () => {
    it('answers the same to a known and an unknown email', async () => {
      const member = await fx.member(tenant);
      const known = await fx.request('POST', '/v1/auth/password/forgot', { body: { email: member.user.email } });
      const unknown = await fx.request('POST', '/v1/auth/password/forgot', {
        body: { email: `nobody-${uniqueSuffix()}@fixture.test` },
      });
      expect(known.status).toBe(202);
      expect(unknown.status).toBe(known.status);
      expect(unknown.body).toEqual(known.body);
      expect([...unknown.headers.keys()].sort()).toEqual([...known.headers.keys()].sort());
    });

    it('queues an email whose link carries a one-time token stored only as its hash', async () => {
      const member = await fx.member(tenant);
      const { token, link, resetId } = await forgot(member);
      expect(`${link.origin}${link.pathname}`).toBe(`${fx.running.config.http.frontendUrl}/reset-password`);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = await fx.db.passwordResetToken.findUniqueOrThrow({ where: { id: resetId } });
      expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.tokenHash).not.toContain(token);
      expect(Math.round((row.expiresAt.getTime() - row.createdAt.getTime()) / 60_000)).toBe(
        fx.running.config.auth.passwordResetTtlMinutes,
      );
    });

    it('validates the email', async () => {
      const response = await fx.request('POST', '/v1/auth/password/forgot', { body: { email: 'not-an-email' } });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].field).toBe('body.email');
    });
  });

  describe('email outbox', () => {
    it('enqueues one job per email however often it is enqueued', async () => {
      const outbox = fx.running.app.get(EmailOutbox);
      const key = `idempotency-${uniqueSuffix()}`;
      const email = {
        template: 'password-reset',
        key,
        to: 'a@fixture.test',
        data: { name: 'A', link: 'http://localhost:3000/reset-password?token=x', expiresAt: new Date().toISOString() },
      } as const;
      const [first, second] = await Promise.all([
        outbox.enqueue(email),
        outbox.enqueue({ ...email, data: { ...email.data, name: 'B' } }),
      ]);
      expect(second).toBe(first);
      const job = await fx.emailQueue.getJob(first);
      expect(job?.data.to).toBe('a@fixture.test');
      expect(
        (await fx.emailQueue.getJobs(['waiting', 'delayed', 'prioritized'])).filter((j) => j.id === first),
      ).toHaveLength(1);
      await job?.remove();
    });
  });

  describe('POST /v1/auth/password/reset', () => {
    it('sets the password once, revokes every session and lifts a lockout', async () => {
      const member = await fx.member(tenant);
      const sessions = fx.running.app.get(RefreshTokensService);
      await Promise.all([sessions.issue(member.user.id, tenant.id, {}), sessions.issue(member.user.id, tenant.id, {})]);
      await fx.db.user.update({
        where: { id: member.user.id },
        data: { failedLoginCount: 7, lockedUntil: new Date(Date.now() + 3_600_000) },
      });
      const { token } = await forgot(member);

      const reset = await fx.request('POST', '/v1/auth/password/reset', { body: { token, newPassword: NEW_PASSWORD } });
      expect(reset.status).toBe(200);
      expect(reset.body).toEqual({ revokedSessions: 2 });
      expect(await passwordIs(member.user.id, NEW_PASSWORD)).toBe(true);
      expect(await liveSessions(member.user.id)).toBe(0);
      expect(await fx.db.user.findUniqueOrThrow({ where: { id: member.user.id } })).toMatchObject({
        failedLoginCount: 0,
        lockedUntil: null,
      });

      const again = await fx.request('POST', '/v1/auth/password/reset', {
        body: { token, newPassword: 'Another-Engine-1834' },
      });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('reset_token_used');
      expect(await passwordIs(member.user.id, NEW_PASSWORD)).toBe(true);
      expect(
        await fx.db.auditLog.count({ where: { actorUserId: member.user.id, action: 'auth.password.reset' } }),
      ).toBe(1);
    });

    it('lets only one of two concurrent uses of a link through', async () => {
      const member = await fx.member(tenant);
      const { token } = await forgot(member);
      const results = await Promise.all([
        fx.request('POST', '/v1/auth/password/reset', { body: { token, newPassword: 'Concurrent-Engine-One' } }),
        fx.request('POST', '/v1/auth/password/reset', { body: { token, newPassword: 'Concurrent-Engine-Two' } }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    });

    it('refuses an expired link, an unknown one, and a weak password', async () => {
      const member = await fx.member(tenant);
      const { token, resetId } = await forgot(member);
      const weak = await fx.request('POST', '/v1/auth/password/reset', { body: { token, newPassword: 'password123' } });
      expect(weak.status).toBe(422);
      expect(weak.body.code).toBe('weak_password');
      expect(weak.body.errors[0].field).toBe('body.newPassword');

      await fx.db.passwordResetToken.update({
        where: { id: resetId },
        data: { expiresAt: new Date(Date.now() - 1_000) },
      });
      const expired = await fx.request('POST', '/v1/auth/password/reset', {
        body: { token, newPassword: NEW_PASSWORD },
      });
      expect(expired.status).toBe(410);
      expect(expired.body.code).toBe('reset_token_expired');
      expect(await passwordIs(member.user.id, member.password)).toBe(true);

      const unknown = await fx.request('POST', '/v1/auth/password/reset', {
        body: { token: 'y'.repeat(43), newPassword: NEW_PASSWORD },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.code).toBe('invalid_reset_token');
    });

    it('stops older links once the password changed', async () => {
      const member = await fx.member(tenant);
      const older = await forgot(member);
      const newer = await forgot(member);
      expect(
        (
          await fx.request('POST', '/v1/auth/password/reset', {
            body: { token: newer.token, newPassword: NEW_PASSWORD },
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await fx.request('POST', '/v1/auth/password/reset', {
            body: { token: older.token, newPassword: 'Another-Engine-1834' },
          })
        ).body.code,
      ).toBe('reset_token_used');
    });
  });

  describe('POST /v1/auth/password/change', () => {
    it('needs the current password, then revokes every session and returns new tokens', async () => {
      const member = await fx.member(tenant, MembershipRole.ADMIN);
      const sessions = fx.running.app.get(RefreshTokensService);
      const old = await sessions.issue(member.user.id, tenant.id, {});

      const wrong = await fx.request('POST', '/v1/auth/password/change', {
        token: member.token,
        body: { currentPassword: 'not-my-password', newPassword: NEW_PASSWORD },
      });
      expect(wrong.status).toBe(403);
      expect(wrong.body.code).toBe('invalid_current_password');
      const weak = await fx.request('POST', '/v1/auth/password/change', {
        token: member.token,
        body: { currentPassword: member.password, newPassword: 'short' },
      });
      expect(weak.status).toBe(422);
      expect(weak.body.code).toBe('weak_password');
      expect(await passwordIs(member.user.id, member.password)).toBe(true);

      const changed = await fx.request('POST', '/v1/auth/password/change', {
        token: member.token,
        body: { currentPassword: member.password, newPassword: NEW_PASSWORD },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        tokenType: 'Bearer',
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        revokedSessions: 1,
      });
      expect(await passwordIs(member.user.id, NEW_PASSWORD)).toBe(true);
      const rows = await fx.db.refreshToken.findMany({ where: { userId: member.user.id } });
      expect(rows.find((r) => r.familyId === old.familyId)?.revokedAt).not.toBeNull();
      expect(rows.filter((r) => r.revokedAt === null)).toHaveLength(1);
      expect((await fx.request('GET', '/v1/members', { token: changed.body.accessToken })).status).toBe(200);
      expect(
        await fx.db.auditLog.findFirst({ where: { actorUserId: member.user.id, action: 'auth.password.changed' } }),
      ).toMatchObject({ tenantId: tenant.id, success: true });
      expect(
        await fx.db.auditLog.findFirst({
          where: { actorUserId: member.user.id, action: 'auth.password.change_failed' },
        }),
      ).toMatchObject({ success: false });
    });

    it('needs an access token and a valid body', async () => {
      expect(
        (
          await fx.request('POST', '/v1/auth/password/change', {
            body: { currentPassword: 'a', newPassword: NEW_PASSWORD },
          })
        ).status,
      ).toBe(401);
      const member = await fx.member(tenant);
      const invalid = await fx.request('POST', '/v1/auth/password/change', {
        token: member.token,
        body: { newPassword: 42 },
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['body.currentPassword', 'body.newPassword']),
      );
    });
  });
});
