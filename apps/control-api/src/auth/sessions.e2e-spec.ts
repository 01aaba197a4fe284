// Sessions end when they should: absolute and idle expiry of refresh tokens, access tokens that
// must say when they expire, and revocations that stop access tokens at once on both APIs.
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import * as jsonwebtoken from 'jsonwebtoken';
import { keyIdOf } from '@helpdeskly/auth';
import { MembershipRole } from '@helpdeskly/database';
import { RedisClient } from '@helpdeskly/redis';
import { httpRequest, type RunningTestApp } from '@helpdeskly/testing';
import { startAppApiWith } from '../../../app-api/src/testing/app-fixture';
import { PasswordResetTokensRepository } from '../passwords/password-reset-tokens.repository';
import { MembershipsRepository } from '../users/memberships.repository';
import { newOpaqueToken } from './opaque-token';
import { AuthE2eFixture, type SignedUp, strongPassword } from './testing/auth-e2e.fixture';

const DAY_MS = 86_400_000;
const IDLE_DAYS = 2;

describe('sessions (e2e, control-api and app-api)', () => {
  let api: AuthE2eFixture;
  let appApi: RunningTestApp;

  before(async () => {
    api = await AuthE2eFixture.start({ REFRESH_TOKEN_IDLE_DAYS: String(IDLE_DAYS) });
    appApi = await startAppApiWith(api.app.config);
  });

  after(async () => {
    await appApi?.close();
    await api?.close();
  });

  /** As if `days` had passed for the user's sessions: every timestamp of their refresh tokens moves back. */
  async function age(userId: string, days: number): Promise<void> {
    const shift = `${days * 86_400} seconds`;
    await api.db
      .$executeRaw`UPDATE refresh_tokens SET created_at = created_at - ${shift}::interval, expires_at = expires_at - ${shift}::interval,
      used_at = used_at - ${shift}::interval, revoked_at = revoked_at - ${shift}::interval WHERE user_id = ${userId}::uuid`;
  }

  const refresh = (refreshToken: string) => api.post('/v1/auth/refresh', { refreshToken });
  /** Status of an authenticated read on control-api and on app-api with `token`. */
  async function statuses(token: string): Promise<{ control: number; app: number }> {
    const [control, app] = await Promise.all([
      api.request('GET', '/v1/auth/me', { token }),
      httpRequest(appApi.baseUrl, 'GET', '/v1/tags', { token }),
    ]);
    return { control: control.status, app: app.status };
  }
  async function expectRevoked(token: string): Promise<void> {
    const [control, app] = await Promise.all([
      api.request('GET', '/v1/auth/me', { token }),
      httpRequest<{ code: string }>(appApi.baseUrl, 'GET', '/v1/tags', { token }),
    ]);
    expect({ control: control.status, app: app.status }).toEqual({ control: 401, app: 401 });
    expect(control.body.code).toBe('session_revoked');
    expect(app.body.code).toBe('session_revoked');
    expect(control.headers.get('content-type')).toContain('application/problem+json');
  }
  const live = { control: 200, app: 200 };

  /** A token signed with the test secret, as a leaked key or a misconfigured peer would. */
  function forge(user: SignedUp, payload: Record<string, unknown>, options: jsonwebtoken.SignOptions = {}): string {
    const secret = api.app.config.auth.jwtSecret!;
    const claims = {
      sub: user.userId,
      tid: user.tenantId,
      role: 'OWNER',
      typ: 'access',
      sid: sessionIdOf(user.accessToken),
      ...payload,
    };
    return jsonwebtoken.sign(claims, secret, {
      algorithm: 'HS256',
      issuer: 'helpdeskly',
      audience: 'helpdeskly-api',
      jwtid: randomBytes(8).toString('hex'),
      keyid: keyIdOf(secret),
      ...options,
    });
  }
  const sessionIdOf = (token: string): string =>
    JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid;

  describe('refresh token lifetime', () => {
    it('counts the session from the login: refreshing every 1.5 days does not carry it past REFRESH_TOKEN_DAYS', async () => {
      const user = await api.signup('absolute');
      const [first] = await api.db.refreshToken.findMany({ where: { userId: user.userId } });
      let token = user.refreshToken;
      for (let i = 0; i < 4; i += 1) {
        await age(user.userId, 1.5);
        const rotated = await refresh(token);
        expect(rotated.status).toBe(200);
        token = rotated.body.refreshToken;
      }
      // Six days after the login, the newest row still ends when the first did (7 days after the login).
      const rows = await api.db.refreshToken.findMany({
        where: { userId: user.userId },
        orderBy: { createdAt: 'desc' },
      });
      expect(rows).toHaveLength(5);
      expect(new Set(rows.map((r) => r.expiresAt.getTime())).size).toBe(1);
      expect(rows[0].expiresAt.getTime() - Date.now()).toBeLessThan(1.01 * DAY_MS);
      expect(Math.abs(first.expiresAt.getTime() - first.createdAt.getTime() - 7 * DAY_MS)).toBeLessThan(5_000);

      await age(user.userId, 1.5);
      const ended = await refresh(token);
      expect(ended.status).toBe(401);
      expect(ended.body).toMatchObject({
        code: 'invalid_refresh_token',
        detail: expect.stringContaining('maximum lifetime'),
      });
    });

    it(`ends a session not refreshed for REFRESH_TOKEN_IDLE_DAYS (${IDLE_DAYS}), and says so in refreshTokenExpiresAt`, async () => {
      const user = await api.signup('idle');
      const login = await api.login(user.email, user.password);
      const expiresIn = new Date(login.body.refreshTokenExpiresAt).getTime() - Date.now();
      expect(expiresIn).toBeGreaterThan(IDLE_DAYS * DAY_MS - 60_000);
      expect(expiresIn).toBeLessThanOrEqual(IDLE_DAYS * DAY_MS);

      await age(user.userId, IDLE_DAYS - 0.1);
      const inTime = await refresh(login.body.refreshToken);
      expect(inTime.status).toBe(200);
      await age(user.userId, IDLE_DAYS + 0.1);
      const idle = await refresh(inTime.body.refreshToken);
      expect(idle.status).toBe(401);
      expect(idle.body).toMatchObject({
        code: 'invalid_refresh_token',
        detail: expect.stringContaining(`not used for ${IDLE_DAYS} day(s)`),
      });
    });

    it('answers 401 invalid_refresh_token (problem+json) to an access token sent as the refresh token', async () => {
      const user = await api.signup('wrong-token');
      const response = await refresh(user.accessToken);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({
        code: 'invalid_refresh_token',
        detail: expect.stringContaining('access token'),
      });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      // And logging out with it is a no-op, as for any unknown token: the session lives on.
      expect((await api.post('/v1/auth/logout', { refreshToken: user.accessToken })).status).toBe(204);
      expect((await refresh(user.refreshToken)).status).toBe(200);
    });
  });

  describe('access tokens', () => {
    it('accepts a forged token only with exp, iat and a lifetime within JWT_EXPIRES_IN', async () => {
      const user = await api.signup('forged');
      const now = Math.floor(Date.now() / 1000);
      // The forgery is otherwise sound: with a 15-minute lifetime both APIs take it.
      expect(await statuses(forge(user, { iat: now, exp: now + 900 }))).toEqual(live);

      const forever = forge(user, {});
      expect(JSON.parse(Buffer.from(forever.split('.')[1], 'base64url').toString())).not.toHaveProperty('exp');
      expect(await statuses(forever)).toEqual({ control: 401, app: 401 });
      expect(await statuses(forge(user, { iat: now, exp: now + 3600 }))).toEqual({ control: 401, app: 401 });
      expect(await statuses(forge(user, { exp: now + 600 }, { noTimestamp: true }))).toEqual({
        control: 401,
        app: 401,
      });
      expect(await statuses(forge(user, { sid: undefined, iat: now, exp: now + 900 }))).toEqual({
        control: 401,
        app: 401,
      });
      const response = await api.request('GET', '/v1/auth/me', { token: forever });
      expect(response.body.code).toBe('invalid_token');
    });

    it('carries its session (sid): the refresh token family', async () => {
      const user = await api.signup('sid');
      const [row] = await api.db.refreshToken.findMany({ where: { userId: user.userId } });
      expect(sessionIdOf(user.accessToken)).toBe(row.familyId);
      const rotated = await refresh(user.refreshToken);
      expect(sessionIdOf(rotated.body.accessToken)).toBe(row.familyId);
    });
  });

  describe('passwords', () => {
    it('refuses a login with more than 72 bytes (400 password_too_long) instead of checking only the first 72', async () => {
      const password = `Zq-${randomBytes(60).toString('base64url')}`.slice(0, 72);
      expect(Buffer.byteLength(password)).toBe(72);
      const user = await api.signup('long', { password });
      const longer = await api.login(user.email, `${password}XYZ`);
      expect(longer.status).toBe(400);
      expect(longer.body).toMatchObject({
        code: 'password_too_long',
        errors: [{ field: 'body.password', code: 'maxBytes' }],
      });
      expect((await api.login(user.email, password)).status).toBe(200);
      // Not counted as a failed attempt against the account.
      expect((await api.db.user.findUniqueOrThrow({ where: { id: user.userId } })).failedLoginCount).toBe(0);

      const signup = await api.post('/v1/auth/signup', {
        email: `${api.unique('long2')}@example.com`,
        password: `${password}XYZ`,
        name: 'Long',
        tenantName: 'Long',
        tenantSlug: api.unique('long2'),
      });
      expect(signup.status).toBe(400);
      expect(signup.body.code).toBe('password_too_long');
      const change = await api.post(
        '/v1/auth/password/change',
        { currentPassword: `${password}XYZ`, newPassword: strongPassword() },
        user.accessToken,
      );
      expect(change.status).toBe(400);
      expect(change.body).toMatchObject({ code: 'password_too_long', errors: [{ field: 'body.currentPassword' }] });
    });

    it("refuses Password1! at sign-up with 422 weak_password and zxcvbn's reason", async () => {
      const email = `${api.unique('password1')}@example.com`;
      const response = await api.post('/v1/auth/signup', {
        email,
        password: 'Password1!',
        name: 'Weak',
        tenantName: 'Weak',
        tenantSlug: api.unique('password1'),
      });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        code: 'weak_password',
        minScore: 3,
        warning: 'This is similar to a commonly used password.',
        errors: [{ field: 'body.password', code: 'tooGuessable' }],
      });
      expect(response.body.detail).toContain('too easy to guess');
      expect(response.body.suggestions.length).toBeGreaterThan(0);
      expect(await api.db.user.findUnique({ where: { email } })).toBeNull();
    });
  });

  describe('revocation stops access tokens at once, on both APIs', () => {
    it("logout: the access token of that session, not of the user's other sessions", async () => {
      const user = await api.signup('rv-logout');
      const other = await api.login(user.email, user.password);
      expect(await statuses(user.accessToken)).toEqual(live);
      expect((await api.post('/v1/auth/logout', { refreshToken: user.refreshToken })).status).toBe(204);
      await expectRevoked(user.accessToken);
      // The 2FA routes, which verify tokens themselves (they also take enrolment tokens), refuse it too.
      const setup = await api.post('/v1/auth/2fa/setup', undefined, user.accessToken);
      expect(setup.status).toBe(401);
      expect(setup.body.code).toBe('session_revoked');
      expect(await statuses(other.body.accessToken)).toEqual(live);
      // Logging out again (a retry) is harmless and keeps it revoked.
      expect((await api.post('/v1/auth/logout', { refreshToken: user.refreshToken })).status).toBe(204);
      await expectRevoked(user.accessToken);
    });

    it("logout-all: every session's access token, the caller's included", async () => {
      const user = await api.signup('rv-all');
      const other = await api.login(user.email, user.password);
      expect((await api.post('/v1/auth/logout-all', undefined, user.accessToken)).status).toBe(204);
      await expectRevoked(user.accessToken);
      await expectRevoked(other.body.accessToken);
      // A login afterwards is a new session and works.
      const again = await api.login(user.email, user.password);
      expect(await statuses(again.body.accessToken)).toEqual(live);
    });

    it('password change: every earlier session, while the tokens it returns work', async () => {
      const user = await api.signup('rv-change');
      const other = await api.login(user.email, user.password);
      const changed = await api.post(
        '/v1/auth/password/change',
        { currentPassword: user.password, newPassword: strongPassword() },
        user.accessToken,
      );
      expect(changed.status).toBe(200);
      await expectRevoked(user.accessToken);
      await expectRevoked(other.body.accessToken);
      expect(await statuses(changed.body.accessToken)).toEqual(live);
      expect(sessionIdOf(changed.body.accessToken)).not.toBe(sessionIdOf(user.accessToken));
    });

    it('password reset: every session', async () => {
      const user = await api.signup('rv-reset');
      const { token, tokenHash } = newOpaqueToken();
      await api.app.app
        .get(PasswordResetTokensRepository)
        .create({ userId: user.userId, tokenHash, expiresAt: new Date(Date.now() + 600_000) });
      const newPassword = strongPassword();
      api.passwords.add(newPassword);
      expect((await api.post('/v1/auth/password/reset', { token, newPassword })).status).toBe(200);
      await expectRevoked(user.accessToken);
    });

    it("member removal: the member's sessions of that tenant, not of their other tenants", async () => {
      const owner = await api.signup('rv-owner');
      const member = await api.signup('rv-member');
      await api.app.app
        .get(MembershipsRepository)
        .create({ userId: member.userId, tenantId: owner.tenantId, role: MembershipRole.AGENT });
      const inOwnersTenant = await api.login(member.email, member.password, owner.slug);
      expect(inOwnersTenant.status).toBe(200);
      expect(await statuses(inOwnersTenant.body.accessToken)).toEqual(live);

      expect((await api.request('DELETE', `/v1/members/${member.userId}`, { token: owner.accessToken })).status).toBe(
        204,
      );
      await expectRevoked(inOwnersTenant.body.accessToken);
      expect(await statuses(member.accessToken)).toEqual(live);
      expect(await statuses(owner.accessToken)).toEqual(live);
    });

    it("a reused refresh token: the family's access tokens too", async () => {
      const user = await api.signup('rv-reuse');
      const victim = await refresh(user.refreshToken);
      expect((await refresh(user.refreshToken)).body.code).toBe('refresh_token_reused');
      await expectRevoked(victim.body.accessToken);
    });

    it('keeps each deny-list entry no longer than an access token lives', async () => {
      const user = await api.signup('rv-ttl');
      expect((await api.post('/v1/auth/logout', { refreshToken: user.refreshToken })).status).toBe(204);
      const redis = api.app.app.get(RedisClient);
      const ttl = await redis.ttl(`auth:revoked-session:${sessionIdOf(user.accessToken)}`);
      expect(ttl).toBeGreaterThan(900);
      expect(ttl).toBeLessThanOrEqual(960);
    });
  });
});
