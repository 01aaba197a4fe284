import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, TenantStatus } from '@helpdeskly/database';
import { MembershipsRepository } from '../users/memberships.repository';
import { AuthE2eFixture, sleep, strongPassword } from './testing/auth-e2e.fixture';

describe('auth (e2e)', () => {
  let api: AuthE2eFixture;

  before(async () => {
    api = await AuthE2eFixture.start();
  });

  after(async () => {
    await api?.close();
  });

  describe('POST /v1/auth/signup', () => {
    it('creates the user, an ACTIVE tenant and the OWNER membership, and signs in', async () => {
      const user = await api.signup('owner');
      const me = await api.request('GET', '/v1/auth/me', { token: user.accessToken });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        user: { id: user.userId, email: user.email, twoFactorEnabled: false, isPlatformAdmin: false },
        tenantId: user.tenantId,
        role: 'OWNER',
        memberships: [{ role: 'OWNER', tenant: { id: user.tenantId, slug: user.slug, status: 'ACTIVE' } }],
      });
      expect(Object.keys(me.body.user)).not.toContain('passwordHash');
      expect(await api.auditActions(user.userId)).toEqual(
        expect.arrayContaining(['auth.signup', 'auth.login.succeeded']),
      );
    });

    it('answers 409 email_taken for an existing email, whatever its case, and creates no tenant', async () => {
      const user = await api.signup('dup');
      const slug = api.unique('dup-other');
      const response = await api.post('/v1/auth/signup', {
        email: user.email.toUpperCase(),
        password: strongPassword(),
        name: 'Again',
        tenantName: 'Again',
        tenantSlug: slug,
      });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('email_taken');
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await api.db.tenant.findUnique({ where: { slug } })).toBeNull();
    });

    it('lets only one of two concurrent sign-ups with one email through', async () => {
      const email = `${api.unique('race-email')}@example.com`;
      const signup = () =>
        api.post('/v1/auth/signup', {
          email,
          password: strongPassword(),
          name: 'Race',
          tenantName: 'Race',
          tenantSlug: api.unique('race-email'),
        });
      const answers = await Promise.all([signup(), signup()]);
      for (const answer of answers) if (answer.status === 201) api.track(answer.body.user.id, answer.body.tenant.id);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(answers.find((a) => a.status === 409)?.body.code).toBe('email_taken');
    });

    it('answers 409 tenant_slug_taken for a taken slug and leaves no user behind', async () => {
      const user = await api.signup('slug');
      const email = `${api.unique('slug-other')}@example.com`;
      const response = await api.post('/v1/auth/signup', {
        email,
        password: strongPassword(),
        name: 'Other',
        tenantName: 'Other',
        tenantSlug: user.slug,
      });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('tenant_slug_taken');
      expect(await api.db.user.findUnique({ where: { email } })).toBeNull();
    });

    it('answers 400 naming each invalid field, unknown fields and reserved slugs', async () => {
      const response = await api.post('/v1/auth/signup', {
        email: 'not-an-email',
        password: 42,
        name: '',
        tenantName: 'x'.repeat(101),
        tenantSlug: 'Bad_Slug',
        extra: true,
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation_failed');
      const fields = response.body.errors.map((e: { field: string }) => e.field);
      expect(new Set(fields)).toEqual(
        new Set(['body.email', 'body.password', 'body.name', 'body.tenantName', 'body.tenantSlug', 'body.extra']),
      );

      const reserved = await api.post('/v1/auth/signup', {
        email: `${api.unique('r')}@example.com`,
        password: strongPassword(),
        name: 'R',
        tenantName: 'R',
        tenantSlug: 'admin',
      });
      expect(reserved.status).toBe(400);
      expect(reserved.body.errors).toEqual([
        expect.objectContaining({ field: 'body.tenantSlug', message: 'tenantSlug is reserved' }),
      ]);
    });

    it('answers 422 weak_password for a short, common or personal password', async () => {
      const email = `${api.unique('weak')}@example.com`;
      for (const password of ['short', '1234567890', 'QwertyuiOP', email]) {
        const response = await api.post('/v1/auth/signup', {
          email,
          password,
          name: 'Weak',
          tenantName: 'Weak',
          tenantSlug: api.unique('weak'),
        });
        if (response.status === 201) api.track(response.body.user.id, response.body.tenant.id);
        expect(response.status).toBe(422);
        expect(response.body.code).toBe('weak_password');
        expect(response.body.errors[0].field).toBe('body.password');
      }
      expect(await api.db.user.findUnique({ where: { email } })).toBeNull();
    });

    it('lets ten concurrent sign-ups all succeed', async () => {
      const users = await Promise.all(Array.from({ length: 10 }, (_, i) => api.signup(`many${i}`)));
      expect(new Set(users.map((u) => u.tenantId)).size).toBe(10);
      const tenants = await api.db.tenant.findMany({ where: { id: { in: users.map((u) => u.tenantId) } } });
      expect(tenants.map((t) => t.status)).toEqual(Array(10).fill(TenantStatus.ACTIVE));
    });
  });

  describe('POST /v1/auth/login', () => {
    it('returns tokens for the right password and records the login', async () => {
      const user = await api.signup('login');
      const response = await api.login(user.email.toUpperCase(), user.password);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        role: 'OWNER',
        tenant: { slug: user.slug },
        user: { id: user.userId },
      });
      expect(response.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = await api.db.user.findUniqueOrThrow({ where: { id: user.userId } });
      expect(row.lastLoginAt).not.toBeNull();
      const audit = await api.db.auditLog.findFirst({
        where: { actorUserId: user.userId, action: 'auth.login.succeeded' },
        orderBy: { createdAt: 'desc' },
      });
      expect(audit).toMatchObject({ success: true, tenantId: user.tenantId, ip: '127.0.0.1' });
    });

    it('gives a wrong password and an unknown email the same answer, and audits both without the password', async () => {
      const user = await api.signup('same');
      const wrong = await api.login(user.email, 'Not-The-Password-123');
      const unknown = await api.login(`${api.unique('nobody')}@example.com`, 'Not-The-Password-123');
      const comparable = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
      expect(wrong.status).toBe(401);
      expect(comparable(wrong.body)).toEqual(comparable(unknown.body));
      expect(wrong.body.code).toBe('invalid_credentials');
      const failed = await api.db.auditLog.findMany({
        where: { action: 'auth.login.failed', actorUserId: user.userId },
      });
      expect(failed).toHaveLength(1);
      expect(failed[0].metadata).toEqual({ reason: 'wrong_password' });
      // chainSeq, the entry's place in its hash chain, is a bigint.
      expect(
        JSON.stringify(failed, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
      ).not.toContain('Not-The-Password-123');
    });

    it('locks the account after LOGIN_MAX_FAILURES failures, answering as for a wrong password, and unlocks after the delay', async () => {
      const user = await api.signup('lock');
      const max = api.app.config.auth.loginMaxFailures;
      for (let i = 0; i < max; i += 1) expect((await api.login(user.email, 'Wrong-Password-0000')).status).toBe(401);
      const locked = await api.login(user.email, user.password);
      expect(locked.status).toBe(401);
      expect(locked.body.code).toBe('invalid_credentials');
      expect(await api.auditActions(user.userId)).toContain('auth.account.locked');

      // Attempts during the lock do not extend it: the right password works once it has passed.
      await sleep(api.app.config.auth.loginLockoutSeconds * 1000 + 300);
      const unlocked = await api.login(user.email, user.password);
      expect(unlocked.status).toBe(200);
      const row = await api.db.user.findUniqueOrThrow({ where: { id: user.userId } });
      expect(row).toMatchObject({ failedLoginCount: 0, lockedUntil: null });
    });

    it('doubles the lock with each failure after the first lock', async () => {
      const user = await api.signup('double');
      const { loginMaxFailures: max, loginLockoutSeconds: base } = api.app.config.auth;
      for (let i = 0; i < max; i += 1) await api.login(user.email, 'Wrong-Password-0000');
      await sleep(base * 1000 + 300);
      expect((await api.login(user.email, 'Wrong-Password-0000')).status).toBe(401);
      // Locked again, now for twice as long: still locked after the first delay.
      await sleep(base * 1000 + 300);
      expect((await api.login(user.email, user.password)).status).toBe(401);
      await sleep(base * 1000 + 300);
      expect((await api.login(user.email, user.password)).status).toBe(200);
    });

    it('asks for a tenant when the user belongs to several, listing their slugs only after the right password', async () => {
      const user = await api.signup('multi');
      const other = await api.signup('multi-other');
      await api.app.app
        .get(MembershipsRepository)
        .create({ userId: user.userId, tenantId: other.tenantId, role: MembershipRole.AGENT });

      const wrong = await api.login(user.email, 'Wrong-Password-0000');
      expect(wrong.body.code).toBe('invalid_credentials');
      expect(wrong.text).not.toContain(other.slug);

      const ambiguous = await api.login(user.email, user.password);
      expect(ambiguous.status).toBe(422);
      expect(ambiguous.body.code).toBe('tenant_required');
      expect(ambiguous.body.tenants.map((t: { slug: string }) => t.slug).sort()).toEqual(
        [user.slug, other.slug].sort(),
      );

      const chosen = await api.login(user.email, user.password, other.slug);
      expect(chosen.status).toBe(200);
      expect(chosen.body).toMatchObject({ role: 'AGENT', tenant: { id: other.tenantId } });

      const notMine = await api.login(other.email, other.password, user.slug);
      expect(notMine.status).toBe(403);
      expect(notMine.body.code).toBe('not_a_member');
    });
  });

  describe('POST /v1/auth/refresh', () => {
    it('rotates: new tokens, the old refresh token marked used and pointing to its replacement', async () => {
      const user = await api.signup('rotate');
      const refreshed = await api.post('/v1/auth/refresh', { refreshToken: user.refreshToken }, undefined);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refreshToken).not.toBe(user.refreshToken);
      expect(refreshed.body.accessToken).not.toBe(user.accessToken);
      expect((await api.request('GET', '/v1/auth/me', { token: refreshed.body.accessToken })).status).toBe(200);

      const rows = await api.db.refreshToken.findMany({
        where: { userId: user.userId },
        orderBy: { createdAt: 'asc' },
      });
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({ replacedById: rows[1].id, familyId: rows[1].familyId, ip: '127.0.0.1' });
      expect(rows[0].usedAt).not.toBeNull();
      expect(rows[1]).toMatchObject({ parentId: rows[0].id, usedAt: null, revokedAt: null });
      expect(rows[1].tokenHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('revokes the whole family when a used token is presented again: both branches fail, and it is audited', async () => {
      const user = await api.signup('reuse');
      const victim = await api.post('/v1/auth/refresh', { refreshToken: user.refreshToken });
      expect(victim.status).toBe(200);

      const attacker = await api.post('/v1/auth/refresh', { refreshToken: user.refreshToken });
      expect(attacker.status).toBe(401);
      expect(attacker.body.code).toBe('refresh_token_reused');

      const victimNext = await api.post('/v1/auth/refresh', { refreshToken: victim.body.refreshToken });
      expect(victimNext.status).toBe(401);
      const attackerAgain = await api.post('/v1/auth/refresh', { refreshToken: user.refreshToken });
      expect(attackerAgain.status).toBe(401);

      const rows = await api.db.refreshToken.findMany({ where: { userId: user.userId } });
      expect(rows.every((row) => row.revokedAt !== null)).toBe(true);
      const audit = await api.db.auditLog.findFirst({
        where: { actorUserId: user.userId, action: 'auth.refresh.reuse_detected' },
      });
      expect(audit).toMatchObject({ success: false, tenantId: user.tenantId, targetId: rows[0].familyId });
    });

    it('lets only one of two concurrent refreshes of the same token win', async () => {
      const user = await api.signup('race');
      const answers = await Promise.all([
        api.post('/v1/auth/refresh', { refreshToken: user.refreshToken }),
        api.post('/v1/auth/refresh', { refreshToken: user.refreshToken }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
      expect(answers.find((a) => a.status === 401)?.body.code).toBe('refresh_token_reused');
    });

    it('refuses an unknown, a revoked or an expired token', async () => {
      const unknown = await api.post('/v1/auth/refresh', { refreshToken: 'A'.repeat(43) });
      expect(unknown.status).toBe(401);
      expect(unknown.body.code).toBe('invalid_refresh_token');

      const user = await api.signup('expired');
      await api.db.refreshToken.updateMany({
        where: { userId: user.userId },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });
      const expired = await api.post('/v1/auth/refresh', { refreshToken: user.refreshToken });
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('invalid_refresh_token');

      // Not a refresh token: the wrong credential (401); not a string at all: a malformed request (400).
      const notAToken = await api.post('/v1/auth/refresh', { refreshToken: 'x' });
      expect(notAToken.status).toBe(401);
      expect(notAToken.body.code).toBe('invalid_refresh_token');
      const malformed = await api.post('/v1/auth/refresh', { refreshToken: 42 });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0].field).toBe('body.refreshToken');
    });

    it("issues the membership's current role, and nothing once the tenant is not ACTIVE or the membership is gone", async () => {
      const user = await api.signup('role');
      await api.db.membership.updateMany({
        where: { userId: user.userId, tenantId: user.tenantId },
        data: { role: MembershipRole.AGENT },
      });
      const demoted = await api.post('/v1/auth/refresh', { refreshToken: user.refreshToken });
      expect(demoted.status).toBe(200);
      expect(demoted.body.role).toBe('AGENT');
      expect((await api.request('GET', '/v1/auth/me', { token: demoted.body.accessToken })).body.role).toBe('AGENT');

      await api.db.tenant.update({ where: { id: user.tenantId }, data: { status: TenantStatus.SUSPENDED } });
      try {
        const suspended = await api.post('/v1/auth/refresh', { refreshToken: demoted.body.refreshToken });
        expect(suspended.status).toBe(403);
        expect(suspended.body.code).toBe('tenant_unavailable');
      } finally {
        await api.db.tenant.update({ where: { id: user.tenantId }, data: { status: TenantStatus.ACTIVE } });
      }

      const again = await api.login(user.email, user.password);
      await api.db.membership.deleteMany({ where: { userId: user.userId, tenantId: user.tenantId } });
      const removed = await api.post('/v1/auth/refresh', { refreshToken: again.body.refreshToken });
      expect(removed.status).toBe(401);
      expect(removed.body.code).toBe('invalid_refresh_token');
    });
  });

  describe('logout', () => {
    it('POST /v1/auth/logout revokes the session of the refresh token (204)', async () => {
      const user = await api.signup('logout');
      const other = await api.login(user.email, user.password);
      const response = await api.post('/v1/auth/logout', { refreshToken: user.refreshToken });
      expect(response.status).toBe(204);
      expect((await api.post('/v1/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);
      // Another session of the same user lives on.
      expect((await api.post('/v1/auth/refresh', { refreshToken: other.body.refreshToken })).status).toBe(200);
      expect((await api.post('/v1/auth/logout', { refreshToken: 'B'.repeat(43) })).status).toBe(204);
    });

    it('POST /v1/auth/logout-all revokes every session of the caller (204) and needs a token', async () => {
      const user = await api.signup('logout-all');
      const second = await api.login(user.email, user.password);
      expect((await api.post('/v1/auth/logout-all')).status).toBe(401);
      const response = await api.post('/v1/auth/logout-all', undefined, second.body.accessToken);
      expect(response.status).toBe(204);
      expect((await api.post('/v1/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);
      expect((await api.post('/v1/auth/refresh', { refreshToken: second.body.refreshToken })).status).toBe(401);
      expect(await api.auditActions(user.userId)).toContain('auth.logout_all');
    });
  });

  describe('POST /v1/auth/switch-tenant', () => {
    it('issues tokens for another tenant of the caller, and refuses a tenant they do not belong to', async () => {
      const user = await api.signup('switch');
      const shared = await api.signup('switch-b');
      const foreign = await api.signup('switch-c');
      await api.app.app
        .get(MembershipsRepository)
        .create({ userId: user.userId, tenantId: shared.tenantId, role: MembershipRole.ADMIN });

      const switched = await api.post('/v1/auth/switch-tenant', { tenantSlug: shared.slug }, user.accessToken);
      expect(switched.status).toBe(200);
      expect(switched.body).toMatchObject({ role: 'ADMIN', tenant: { id: shared.tenantId } });
      const me = await api.request('GET', '/v1/auth/me', { token: switched.body.accessToken });
      expect(me.body).toMatchObject({ tenantId: shared.tenantId, role: 'ADMIN' });
      expect(me.body.memberships).toHaveLength(2);

      // A token of tenant A cannot reach tenant C, where the user is not a member.
      const refused = await api.post('/v1/auth/switch-tenant', { tenantSlug: foreign.slug }, user.accessToken);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('not_a_member');
      const unknown = await api.post('/v1/auth/switch-tenant', { tenantSlug: api.unique('nowhere') }, user.accessToken);
      expect(unknown.status).toBe(403);
      expect(unknown.body.code).toBe('not_a_member');
      expect((await api.post('/v1/auth/switch-tenant', { tenantSlug: shared.slug })).status).toBe(401);
    });
  });

  describe('GET /v1/auth/me', () => {
    it('needs an access token', async () => {
      const response = await api.request('GET', '/v1/auth/me');
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('missing_token');
    });
  });

  it('never answered with a password, a hash, a TOTP secret, a refresh token hash or a database password', async () => {
    await api.assertNoSecretsInResponses();
  });
});
