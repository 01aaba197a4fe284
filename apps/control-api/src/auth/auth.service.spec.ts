import { describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole, TenantStatus } from '@helpdeskly/database';
import type { ProblemException } from '@helpdeskly/errors';
import { AuthenticationErrorCode } from './auth.errors';
import { authServiceWithFakes, LOCKOUT_SECONDS, MAX_FAILURES, PASSWORD } from './auth.fakes';
import { AuthService } from './auth.service';
import type { SessionDto, TwoFactorChallengeDto } from './dto/session.dto';
import { hashOpaqueToken, newOpaqueToken } from './opaque-token';

const client = { ip: '203.0.113.7', userAgent: 'spec' };
const DAY_MS = 86_400_000;

/** The problem a promise rejects with: its code, status and the error itself; 'resolved' when it does not. */
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
    return 'resolved' as const;
  } catch (error) {
    const problem = error as ProblemException;
    return { code: problem.problem?.code, status: problem.status, error: problem };
  }
}

const codeAndStatus = async (promise: Promise<unknown>) => {
  const refused = await refusal(promise);
  return refused === 'resolved' ? refused : { code: refused.code, status: refused.status };
};

const invalidCredentials = { code: AuthenticationErrorCode.InvalidCredentials, status: 401 };
const invalidRefreshToken = { code: AuthenticationErrorCode.InvalidRefreshToken, status: 401 };

async function loginFailures(metrics: ReturnType<typeof authServiceWithFakes>['metrics']) {
  const { values } = await metrics.loginFailures.get();
  return Object.fromEntries(values.map((v) => [v.labels.reason, v.value]));
}

describe(AuthService.name, () => {
  describe('login', () => {
    it('signs in with the right password: a new session for the only tenant, the failure count reset, audited', async () => {
      const { sut, rows, seed, tokens, audit } = authServiceWithFakes();
      const user = await seed.user({ failedLoginCount: 2 });
      const membership = seed.membership(user, {}, MembershipRole.AGENT);

      const session = (await sut.login({ email: ' ADA@Example.com ', password: PASSWORD }, client)) as SessionDto;

      const [refresh] = rows.refreshTokens.values();
      expect(rows.refreshTokens.size).toBe(1);
      expect(refresh).toMatchObject({
        tokenHash: hashOpaqueToken(session.refreshToken),
        userId: user.id,
        tenantId: membership.tenantId,
        parentId: null,
        ip: client.ip,
        userAgent: client.userAgent,
      });
      expect(tokens.verifyAccess(session.accessToken)).toMatchObject({
        userId: user.id,
        tenantId: membership.tenantId,
        role: MembershipRole.AGENT,
        sessionId: refresh.familyId,
      });
      expect(session).toMatchObject({
        tokenType: 'Bearer',
        role: MembershipRole.AGENT,
        tenant: { slug: 'engines', status: TenantStatus.ACTIVE },
        user: { id: user.id, twoFactorEnabled: false },
      });
      expect(rows.user(user.id)).toMatchObject({ failedLoginCount: 0, lastLoginAt: expect.any(Date) });
      expect(audit.entries).toEqual([
        expect.objectContaining({
          action: 'auth.login.succeeded',
          tenantId: membership.tenantId,
          actorUserId: user.id,
          ip: client.ip,
          metadata: { method: 'password' },
        }),
      ]);
    });

    it('refuses a wrong password with 401 invalid_credentials: the failure counted and audited, no session', async () => {
      const { sut, rows, seed, audit, metrics } = authServiceWithFakes();
      const user = await seed.user();
      seed.membership(user);

      expect(await codeAndStatus(sut.login({ email: user.email, password: 'wrong-password-1' }, client))).toEqual(
        invalidCredentials,
      );

      expect(rows.user(user.id)).toMatchObject({ failedLoginCount: 1, lockedUntil: null, lastLoginAt: null });
      expect(rows.refreshTokens.size).toBe(0);
      expect(audit.entries).toEqual([
        expect.objectContaining({
          action: 'auth.login.failed',
          actorUserId: user.id,
          success: false,
          metadata: { reason: 'wrong_password' },
        }),
      ]);
      expect(await loginFailures(metrics)).toEqual({ wrong_password: 1 });
    });

    it(`locks the account after ${MAX_FAILURES} wrong passwords; while locked the right one gets the same 401, uncounted`, async () => {
      const { sut, rows, seed, audit, metrics } = authServiceWithFakes();
      const user = await seed.user();
      seed.membership(user);
      const started = Date.now();

      for (let i = 0; i < MAX_FAILURES; i++) await refusal(sut.login({ email: user.email, password: 'nope' }, client));
      const locked = rows.user(user.id);
      expect(locked.failedLoginCount).toBe(MAX_FAILURES);
      expect(locked.lockedUntil!.getTime()).toBeGreaterThanOrEqual(started + LOCKOUT_SECONDS * 1000);
      expect(locked.lockedUntil!.getTime()).toBeLessThanOrEqual(Date.now() + LOCKOUT_SECONDS * 1000);
      expect(audit.entries.filter((e) => e.action === 'auth.account.locked')).toHaveLength(1);

      const refused = await refusal(sut.login({ email: user.email, password: PASSWORD }, client));
      const unknown = await refusal(sut.login({ email: 'nobody@example.com', password: PASSWORD }, client));

      expect(refused).toMatchObject(invalidCredentials);
      // The same words as for an unknown email: the answer does not tell a locked account apart.
      expect(refused !== 'resolved' && refused.error.message).toBe(unknown !== 'resolved' && unknown.error.message);
      expect(rows.user(user.id)).toMatchObject({ failedLoginCount: MAX_FAILURES, lockedUntil: locked.lockedUntil });
      expect(rows.refreshTokens.size).toBe(0);
      expect(await loginFailures(metrics)).toEqual({
        wrong_password: MAX_FAILURES,
        account_locked: 1,
        unknown_email: 1,
      });
    });

    it('lets the right password in once the lock has expired, and the success lifts the lock and the count', async () => {
      const { sut, rows, seed } = authServiceWithFakes();
      const user = await seed.user({ failedLoginCount: MAX_FAILURES, lockedUntil: new Date(Date.now() - 1000) });
      seed.membership(user);

      await sut.login({ email: user.email, password: PASSWORD }, client);

      expect(rows.user(user.id)).toMatchObject({ failedLoginCount: 0, lockedUntil: null });
      expect(rows.refreshTokens.size).toBe(1);
    });

    it('answers an unknown email as a wrong password, audited with the email as typed, lower-cased', async () => {
      const { sut, seed, rows, audit } = authServiceWithFakes();
      const user = await seed.user();

      expect(await codeAndStatus(sut.login({ email: 'Grace@Example.com', password: PASSWORD }, client))).toEqual(
        invalidCredentials,
      );

      expect(rows.user(user.id).failedLoginCount).toBe(0);
      expect(audit.entries).toEqual([
        expect.objectContaining({
          action: 'auth.login.failed',
          actorUserId: null,
          metadata: { reason: 'unknown_email', email: 'grace@example.com' },
        }),
      ]);
    });

    it('refuses a password over 72 bytes with 400 password_too_long before looking at the account', async () => {
      const { sut, seed, rows, audit } = authServiceWithFakes();
      const user = await seed.user();
      seed.membership(user);

      expect(await codeAndStatus(sut.login({ email: user.email, password: 'é'.repeat(37) }, client))).toEqual({
        code: AuthenticationErrorCode.PasswordTooLong,
        status: 400,
      });
      expect(rows.user(user.id).failedLoginCount).toBe(0);
      expect(audit.entries).toEqual([]);
    });

    it('checks the password before the tenant: a wrong one for a suspended tenant is invalid_credentials', async () => {
      const { sut, seed } = authServiceWithFakes();
      const user = await seed.user();
      seed.membership(user, { status: TenantStatus.SUSPENDED });

      expect(await codeAndStatus(sut.login({ email: user.email, password: 'nope' }, client))).toEqual(
        invalidCredentials,
      );
    });

    it('with several ACTIVE tenants asks for one (422 tenant_required, listing only the ACTIVE), and signs in to the one named', async () => {
      const { sut, seed, tokens, rows } = authServiceWithFakes();
      const user = await seed.user();
      seed.membership(user, { slug: 'engines', name: 'Engines' });
      const second = seed.membership(user, { slug: 'looms', name: 'Looms' }, MembershipRole.ADMIN);
      seed.membership(user, { slug: 'closed', status: TenantStatus.SUSPENDED });

      const refused = await refusal(sut.login({ email: user.email, password: PASSWORD }, client));
      expect(refused).toMatchObject({ code: AuthenticationErrorCode.TenantRequired, status: 422 });
      expect(refused !== 'resolved' && refused.error.problem.extensions).toEqual({
        tenants: [
          { slug: 'engines', name: 'Engines' },
          { slug: 'looms', name: 'Looms' },
        ],
      });
      expect(rows.refreshTokens.size).toBe(0);

      const session = (await sut.login(
        { email: user.email, password: PASSWORD, tenantSlug: 'looms' },
        client,
      )) as SessionDto;
      expect(tokens.verifyAccess(session.accessToken)).toMatchObject({
        tenantId: second.tenantId,
        role: MembershipRole.ADMIN,
      });
    });

    it('picks the only ACTIVE tenant without a slug when the others are not ACTIVE', async () => {
      const { sut, seed } = authServiceWithFakes();
      const user = await seed.user();
      seed.membership(user, { slug: 'closed', status: TenantStatus.SUSPENDED });
      seed.membership(user, { slug: 'looms' });

      const session = (await sut.login({ email: user.email, password: PASSWORD }, client)) as SessionDto;

      expect(session.tenant.slug).toBe('looms');
    });

    it('refuses with 403 not_a_member a tenant the user does not belong to, and a user who belongs to none', async () => {
      const { sut, seed, rows } = authServiceWithFakes();
      const member = await seed.user();
      seed.membership(member, { slug: 'engines' });
      const loner = await seed.user({ email: 'grace@example.com' });
      const notAMember = { code: AuthenticationErrorCode.NotAMember, status: 403 };

      expect(
        await codeAndStatus(sut.login({ email: member.email, password: PASSWORD, tenantSlug: 'looms' }, client)),
      ).toEqual(notAMember);
      expect(await codeAndStatus(sut.login({ email: loner.email, password: PASSWORD }, client))).toEqual(notAMember);
      expect(rows.refreshTokens.size).toBe(0);
      expect(rows.user(member.id).lastLoginAt).toBeNull();
    });

    it('refuses with 403 tenant_unavailable a named tenant that is not ACTIVE, and a user none of whose tenants is', async () => {
      const { sut, seed, rows } = authServiceWithFakes();
      const user = await seed.user();
      seed.membership(user, { slug: 'closed', status: TenantStatus.SUSPENDED });
      seed.membership(user, { slug: 'new', status: TenantStatus.PROVISIONING });
      const unavailable = { code: AuthenticationErrorCode.TenantUnavailable, status: 403 };

      for (const tenantSlug of ['closed', 'new', undefined])
        expect(await codeAndStatus(sut.login({ email: user.email, password: PASSWORD, tenantSlug }, client))).toEqual(
          unavailable,
        );
      expect(rows.refreshTokens.size).toBe(0);
    });

    it('answers a user with 2FA with a challenge for the chosen tenant, and no session yet', async () => {
      const { sut, seed, rows, tokens, audit } = authServiceWithFakes();
      const user = await seed.user({ totpEnabledAt: new Date('2026-01-02T00:00:00.000Z') });
      const membership = seed.membership(user);

      const answer = (await sut.login({ email: user.email, password: PASSWORD }, client)) as TwoFactorChallengeDto;

      expect(answer).toEqual({ twoFactorRequired: true, challengeToken: expect.any(String), expiresIn: 300 });
      expect(tokens.verifyPurpose(answer.challengeToken, '2fa_challenge')).toMatchObject({
        userId: user.id,
        tenantId: membership.tenantId,
      });
      expect(() => tokens.verifyAccess(answer.challengeToken)).toThrow();
      expect(rows.refreshTokens.size).toBe(0);
      expect(rows.user(user.id).lastLoginAt).toBeNull();
      expect(audit.entries).toEqual([]);
    });

    it('gives an OWNER or ADMIN without 2FA of a tenant requiring it an enrolment token (403), not a session; an AGENT signs in', async () => {
      const { sut, seed, rows, tokens } = authServiceWithFakes();
      const strict = { slug: 'strict', settings: { require2faForAdmins: true } };
      const admin = await seed.user();
      const tenant = seed.membership(admin, strict, MembershipRole.ADMIN).tenant;
      const owner = await seed.user({ email: 'owner@example.com' });
      seed.membership(owner, tenant, MembershipRole.OWNER);
      const agent = await seed.user({ email: 'agent@example.com' });
      seed.membership(agent, tenant, MembershipRole.AGENT);

      for (const user of [admin, owner]) {
        const refused = await refusal(sut.login({ email: user.email, password: PASSWORD }, client));
        expect(refused).toMatchObject({ code: AuthenticationErrorCode.TwoFactorEnrollmentRequired, status: 403 });
        const { enrollmentToken, expiresIn } = (refused as Exclude<typeof refused, 'resolved'>).error.problem
          .extensions as { enrollmentToken: string; expiresIn: number };
        expect(expiresIn).toBe(600);
        expect(tokens.verifyPurpose(enrollmentToken, '2fa_enrollment')).toMatchObject({
          userId: user.id,
          tenantId: tenant.id,
        });
      }
      expect(rows.refreshTokens.size).toBe(0);

      await sut.login({ email: agent.email, password: PASSWORD }, client);
      expect(rows.refreshTokens.size).toBe(1);
    });

    it('gives an ADMIN with 2FA of such a tenant the usual challenge', async () => {
      const { sut, seed } = authServiceWithFakes();
      const admin = await seed.user({ totpEnabledAt: new Date('2026-01-02T00:00:00.000Z') });
      seed.membership(admin, { settings: { require2faForAdmins: true } }, MembershipRole.ADMIN);

      expect(await sut.login({ email: admin.email, password: PASSWORD }, client)).toMatchObject({
        twoFactorRequired: true,
      });
    });
  });

  describe('loginTwoFactor', () => {
    it('refuses code and recoveryCode together with 400 validation_failed', async () => {
      const { sut } = authServiceWithFakes();
      expect(
        await codeAndStatus(sut.loginTwoFactor({ challengeToken: 'x', code: '123456', recoveryCode: 'abcd' }, client)),
      ).toEqual({ code: 'validation_failed', status: 400 });
    });

    it('refuses with 401 invalid_challenge a token signed for another purpose (an enrolment or access token)', async () => {
      const { sut, seed, tokens } = authServiceWithFakes();
      const user = await seed.user();
      const { tenantId } = seed.membership(user);
      const session = (await sut.login({ email: user.email, password: PASSWORD }, client)) as SessionDto;
      const enrollment = tokens.signPurpose('2fa_enrollment', { sub: user.id, tid: tenantId }, 600).token;
      const invalidChallenge = { code: AuthenticationErrorCode.InvalidChallenge, status: 401 };

      for (const challengeToken of [enrollment, session.accessToken])
        expect(await codeAndStatus(sut.loginTwoFactor({ challengeToken, code: '123456' }, client))).toEqual(
          invalidChallenge,
        );
    });
  });

  describe('refresh', () => {
    async function signedIn(env: Record<string, string> = {}) {
      const fakes = authServiceWithFakes(env);
      const user = await fakes.seed.user();
      const membership = fakes.seed.membership(user);
      const session = (await fakes.sut.login({ email: user.email, password: PASSWORD }, client)) as SessionDto;
      const [first] = fakes.rows.refreshTokens.values();
      return { ...fakes, user, membership, session, familyId: first.familyId, first };
    }

    it("rotates within the family: the old token spent, the new one ending with the login's session, the role current", async () => {
      const { sut, rows, tokens, membership, session, familyId, first } = await signedIn();
      membership.role = MembershipRole.ADMIN;

      const next = await sut.refresh(session.refreshToken, { ip: '198.51.100.1', userAgent: 'other' });

      const second = [...rows.refreshTokens.values()].find(
        (row) => row.tokenHash === hashOpaqueToken(next.refreshToken),
      )!;
      expect(next.refreshToken).not.toBe(session.refreshToken);
      expect(rows.refreshTokens.get(first.id)).toMatchObject({ usedAt: expect.any(Date), replacedById: second.id });
      expect(second).toMatchObject({
        familyId,
        parentId: first.id,
        expiresAt: first.expiresAt,
        usedAt: null,
        ip: '198.51.100.1',
      });
      expect(next.refreshTokenExpiresAt).toEqual(first.expiresAt);
      expect(tokens.verifyAccess(next.accessToken)).toMatchObject({ role: MembershipRole.ADMIN, sessionId: familyId });
      expect(next.role).toBe(MembershipRole.ADMIN);
    });

    it('takes a reused token for a leak: 401 refresh_token_reused, the whole family revoked and denied, audited', async () => {
      const { sut, rows, revocations, audit, user, session, familyId, first } = await signedIn();
      const next = await sut.refresh(session.refreshToken, client);

      expect(await codeAndStatus(sut.refresh(session.refreshToken, client))).toEqual({
        code: AuthenticationErrorCode.RefreshTokenReused,
        status: 401,
      });

      expect(rows.family(familyId).map((row) => row.revokedReason)).toEqual(['reuse_detected', 'reuse_detected']);
      expect(revocations.denied).toEqual(new Set([familyId]));
      expect(audit.entries.at(-1)).toMatchObject({
        action: 'auth.refresh.reuse_detected',
        actorUserId: user.id,
        targetId: familyId,
        success: false,
        metadata: { tokenId: first.id, revokedTokens: 2 },
      });
      // The thief's (or the victim's) newer token dies with the family.
      expect(await codeAndStatus(sut.refresh(next.refreshToken, client))).toEqual(invalidRefreshToken);
      expect(rows.family(familyId)).toHaveLength(2);
      // A spent token stays a reuse, and is audited as one, after its family is revoked.
      expect(await codeAndStatus(sut.refresh(session.refreshToken, client))).toMatchObject({
        code: AuthenticationErrorCode.RefreshTokenReused,
      });
      expect(audit.entries.filter((e) => e.action === 'auth.refresh.reuse_detected')).toHaveLength(2);
    });

    it('answers the loser of a concurrent rotation with refresh_token_reused and revokes the family', async () => {
      const { sut, rows, refreshTokenRows, session, familyId } = await signedIn();
      refreshTokenRows.beforeRotate = (oldId) => void (rows.refreshTokens.get(oldId)!.usedAt = new Date());

      expect(await codeAndStatus(sut.refresh(session.refreshToken, client))).toMatchObject({
        code: AuthenticationErrorCode.RefreshTokenReused,
      });
      expect(rows.family(familyId)).toEqual([expect.objectContaining({ revokedReason: 'reuse_detected' })]);
    });

    it('still answers refresh_token_reused, the family revoked, when its access tokens cannot be denied', async () => {
      const { sut, rows, revocations, session, familyId } = await signedIn();
      await sut.refresh(session.refreshToken, client);
      revocations.down = true;

      expect(await codeAndStatus(sut.refresh(session.refreshToken, client))).toMatchObject({
        code: AuthenticationErrorCode.RefreshTokenReused,
      });
      expect(rows.family(familyId).every((row) => row.revokedAt)).toBe(true);
    });

    it('refuses with 401 invalid_refresh_token an unknown token, and one past the session end, writing nothing', async () => {
      const { sut, rows, first, session } = await signedIn();

      expect(await codeAndStatus(sut.refresh(newOpaqueToken().token, client))).toEqual(invalidRefreshToken);
      rows.refreshTokens.get(first.id)!.expiresAt = new Date(Date.now() - 1);
      expect(await codeAndStatus(sut.refresh(session.refreshToken, client))).toEqual(invalidRefreshToken);

      expect(rows.refreshTokens.size).toBe(1);
      expect(rows.refreshTokens.get(first.id)).toMatchObject({ usedAt: null, revokedAt: null });
    });

    it('refuses a token not refreshed for REFRESH_TOKEN_IDLE_DAYS, and caps the expiry it announces by the idle timeout', async () => {
      const { sut, rows, first, session } = await signedIn({ REFRESH_TOKEN_IDLE_DAYS: '1', REFRESH_TOKEN_DAYS: '7' });
      expect(session.refreshTokenExpiresAt.getTime()).toBeLessThanOrEqual(Date.now() + DAY_MS);
      rows.refreshTokens.get(first.id)!.createdAt = new Date(Date.now() - DAY_MS - 1000);

      expect(await codeAndStatus(sut.refresh(session.refreshToken, client))).toEqual(invalidRefreshToken);
      expect(rows.refreshTokens.get(first.id)!.usedAt).toBeNull();
    });

    it('refuses an access token (a JWT) or a malformed string as invalid_refresh_token, before any lookup', async () => {
      const { sut, rows, session } = await signedIn();

      const jwt = await refusal(sut.refresh(session.accessToken, client));
      expect(jwt).toMatchObject(invalidRefreshToken);
      expect(jwt !== 'resolved' && jwt.error.message).toBe(
        'This is an access token: send the refresh token of the session.',
      );
      expect(await codeAndStatus(sut.refresh('not a token!', client))).toEqual(invalidRefreshToken);
      expect(rows.refreshTokens.size).toBe(1);
    });

    it('ends the session, revoked as access_lost, when the user was removed from the tenant', async () => {
      const { sut, rows, revocations, session, familyId } = await signedIn();
      rows.memberships.length = 0;

      expect(await codeAndStatus(sut.refresh(session.refreshToken, client))).toEqual(invalidRefreshToken);
      expect(rows.family(familyId).map((row) => row.revokedReason)).toEqual(['access_lost', 'access_lost']);
      expect(revocations.denied).toEqual(new Set([familyId]));
    });

    it('ends the session when the tenant was suspended (403 tenant_unavailable), even with the deny-list down', async () => {
      const { sut, rows, revocations, membership, session, familyId } = await signedIn();
      membership.tenant.status = TenantStatus.SUSPENDED;
      revocations.down = true;

      expect(await codeAndStatus(sut.refresh(session.refreshToken, client))).toEqual({
        code: AuthenticationErrorCode.TenantUnavailable,
        status: 403,
      });
      expect(rows.family(familyId).every((row) => row.revokedReason === 'access_lost')).toBe(true);
    });

    it('ends the session of an ADMIN without 2FA once the tenant requires it (403 two_factor_enrollment_required)', async () => {
      const { sut, rows, membership, session, familyId } = await signedIn();
      membership.role = MembershipRole.ADMIN;
      membership.tenant.settings = { require2faForAdmins: true };

      expect(await codeAndStatus(sut.refresh(session.refreshToken, client))).toEqual({
        code: AuthenticationErrorCode.TwoFactorEnrollmentRequired,
        status: 403,
      });
      expect(rows.family(familyId).every((row) => row.revokedReason === 'access_lost')).toBe(true);
    });

    it('keeps the session of an ADMIN who has enrolled in 2FA when the tenant requires it', async () => {
      const { sut, rows, user, membership, session } = await signedIn();
      membership.role = MembershipRole.ADMIN;
      membership.tenant.settings = { require2faForAdmins: true };
      rows.users.get(user.id)!.totpEnabledAt = new Date();

      expect((await sut.refresh(session.refreshToken, client)).role).toBe(MembershipRole.ADMIN);
    });
  });

  describe('logout', () => {
    it("revokes every token of the session's family, denies its access tokens and audits it", async () => {
      const { sut, seed, rows, revocations, audit } = authServiceWithFakes();
      const user = await seed.user();
      const { tenantId } = seed.membership(user);
      const session = (await sut.login({ email: user.email, password: PASSWORD }, client)) as SessionDto;
      const other = (await sut.login({ email: user.email, password: PASSWORD }, client)) as SessionDto;
      const latest = await sut.refresh(session.refreshToken, client);
      const { familyId } = [...rows.refreshTokens.values()].find(
        (row) => row.tokenHash === hashOpaqueToken(session.refreshToken),
      )!;

      await sut.logout(latest.refreshToken, client);

      expect(rows.family(familyId).map((row) => row.revokedReason)).toEqual(['logout', 'logout']);
      expect(revocations.denied).toEqual(new Set([familyId]));
      expect(audit.entries.at(-1)).toMatchObject({
        action: 'auth.logout',
        tenantId,
        actorUserId: user.id,
        targetType: 'refresh_token_family',
        targetId: familyId,
      });
      expect(await codeAndStatus(sut.refresh(latest.refreshToken, client))).toEqual(invalidRefreshToken);
      // The user's other session lives on.
      await sut.refresh(other.refreshToken, client);
    });

    it('ignores an unknown or malformed token: nothing revoked, nothing audited', async () => {
      const { sut, seed, rows, revocations, audit } = authServiceWithFakes();
      const user = await seed.user();
      seed.membership(user);
      await sut.login({ email: user.email, password: PASSWORD }, client);
      audit.entries.length = 0;

      await sut.logout(newOpaqueToken().token, client);
      await sut.logout('not a token!', client);

      expect([...rows.refreshTokens.values()].every((row) => row.revokedAt === null)).toBe(true);
      expect(revocations.denied.size).toBe(0);
      expect(audit.entries).toEqual([]);
    });

    it('revokes the refresh tokens but fails, unaudited, when the access tokens cannot be denied (repeating denies them)', async () => {
      const { sut, seed, rows, revocations, audit } = authServiceWithFakes();
      const user = await seed.user();
      seed.membership(user);
      const session = (await sut.login({ email: user.email, password: PASSWORD }, client)) as SessionDto;
      audit.entries.length = 0;
      revocations.down = true;

      expect(await refusal(sut.logout(session.refreshToken, client))).not.toBe('resolved');
      expect([...rows.refreshTokens.values()][0].revokedReason).toBe('logout');
      expect(audit.entries).toEqual([]);

      revocations.down = false;
      await sut.logout(session.refreshToken, client);
      expect(revocations.denied.size).toBe(1);
    });
  });
});
