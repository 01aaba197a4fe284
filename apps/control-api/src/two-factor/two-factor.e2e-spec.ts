import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { AuthE2eFixture, type SignedUp, TotpCodes } from '../auth/testing/auth-e2e.fixture';
import { MembershipsRepository } from '../users/memberships.repository';

describe('two-factor authentication (e2e)', () => {
  let api: AuthE2eFixture;
  const codes = new TotpCodes();

  before(async () => {
    api = await AuthE2eFixture.start();
  });

  after(async () => {
    await api?.close();
  });

  /** Sets up and enables 2FA with an access (or enrolment) token; returns the secret and the recovery codes. */
  async function enroll(token: string) {
    const setup = await api.post('/v1/auth/2fa/setup', undefined, token);
    expect(setup.status).toBe(200);
    const enabled = await api.post('/v1/auth/2fa/enable', { code: await codes.next(setup.body.secret) }, token);
    expect(enabled.status).toBe(200);
    return { secret: setup.body.secret as string, recoveryCodes: enabled.body.recoveryCodes as string[] };
  }

  async function challenge(user: SignedUp): Promise<string> {
    const login = await api.login(user.email, user.password);
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ twoFactorRequired: true, challengeToken: expect.any(String), expiresIn: 300 });
    return login.body.challengeToken;
  }

  it('sets up (secret, otpauth URL, QR code) and enables with a code, returning ten recovery codes once', async () => {
    const user = await api.signup('tfa');
    const setup = await api.post('/v1/auth/2fa/setup', undefined, user.accessToken);
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.otpauthUrl).toMatch(new RegExp(`^otpauth://totp/Helpdeskly:.*secret=${setup.body.secret}`));
    expect(setup.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);

    const sealed = (await api.db.user.findUniqueOrThrow({ where: { id: user.userId } })).totpSecretEnc;
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain(setup.body.secret);

    const wrong = await api.post('/v1/auth/2fa/enable', { code: '000000' }, user.accessToken);
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('wrong_two_factor_code');
    const invalid = await api.post('/v1/auth/2fa/enable', { code: 'abc' }, user.accessToken);
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].field).toBe('body.code');

    const enabled = await api.post(
      '/v1/auth/2fa/enable',
      { code: await codes.next(setup.body.secret) },
      user.accessToken,
    );
    expect(enabled.status).toBe(200);
    expect(enabled.body.recoveryCodes).toHaveLength(10);
    expect(new Set(enabled.body.recoveryCodes).size).toBe(10);
    const stored = await api.db.recoveryCode.findMany({ where: { userId: user.userId } });
    expect(stored).toHaveLength(10);
    expect(stored.map((c) => c.codeHash)).not.toEqual(expect.arrayContaining([enabled.body.recoveryCodes[0]]));

    const me = await api.request('GET', '/v1/auth/me', { token: user.accessToken });
    expect(me.body.user.twoFactorEnabled).toBe(true);
    expect(me.text).not.toContain(setup.body.secret);
    expect((await api.post('/v1/auth/2fa/setup', undefined, user.accessToken)).body.code).toBe(
      'two_factor_already_enabled',
    );
    expect(await api.auditActions(user.userId)).toEqual(
      expect.arrayContaining(['auth.2fa.setup_started', 'auth.2fa.enable_failed', 'auth.2fa.enabled']),
    );
  });

  it('logs in with a challenge and a TOTP code; the challenge and the code work once', async () => {
    const user = await api.signup('tfa-login');
    const { secret } = await enroll(user.accessToken);

    const challengeToken = await challenge(user);
    // The challenge is no access token.
    expect((await api.request('GET', '/v1/auth/me', { token: challengeToken })).status).toBe(401);
    const typo = await api.post('/v1/auth/login/2fa', { challengeToken, code: '000000' });
    expect(typo.status).toBe(401);
    expect(typo.body.code).toBe('invalid_two_factor_code');

    const code = await codes.next(secret);
    const done = await api.post('/v1/auth/login/2fa', { challengeToken, code });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ tokenType: 'Bearer', role: 'OWNER', tenant: { id: user.tenantId } });
    expect((await api.request('GET', '/v1/auth/me', { token: done.body.accessToken })).status).toBe(200);

    // Refused before any code is checked, so the code needs no fresh time step.
    const replayedChallenge = await api.post('/v1/auth/login/2fa', { challengeToken, code: '123456' });
    expect(replayedChallenge.status).toBe(401);
    expect(replayedChallenge.body.code).toBe('invalid_challenge');

    const replayedCode = await api.post('/v1/auth/login/2fa', { challengeToken: await challenge(user), code });
    expect(replayedCode.status).toBe(401);
    expect(replayedCode.body.code).toBe('invalid_two_factor_code');

    const audit = await api.db.auditLog.findFirst({
      where: { actorUserId: user.userId, action: 'auth.login.succeeded' },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit?.metadata).toEqual({ method: 'totp' });
  });

  it('logs in with a recovery code, which works once', async () => {
    const user = await api.signup('tfa-recovery');
    const { recoveryCodes } = await enroll(user.accessToken);

    const done = await api.post('/v1/auth/login/2fa', {
      challengeToken: await challenge(user),
      recoveryCode: recoveryCodes[3].toUpperCase(),
    });
    expect(done.status).toBe(200);
    const again = await api.post('/v1/auth/login/2fa', {
      challengeToken: await challenge(user),
      recoveryCode: recoveryCodes[3],
    });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('invalid_two_factor_code');
    expect(await api.db.recoveryCode.count({ where: { userId: user.userId, usedAt: null } })).toBe(9);

    const both = await api.post('/v1/auth/login/2fa', {
      challengeToken: await challenge(user),
      code: '123456',
      recoveryCode: recoveryCodes[4],
    });
    expect(both.status).toBe(400);
  });

  it('counts wrong codes as failed logins: the account locks', async () => {
    const user = await api.signup('tfa-lock');
    const { secret } = await enroll(user.accessToken);
    const challengeToken = await challenge(user);
    for (let i = 0; i < api.app.config.auth.loginMaxFailures; i += 1)
      expect((await api.post('/v1/auth/login/2fa', { challengeToken, code: '000000' })).status).toBe(401);
    expect((await api.post('/v1/auth/login/2fa', { challengeToken, code: await codes.next(secret) })).status).toBe(401);
    expect((await api.login(user.email, user.password)).body.code).toBe('invalid_credentials');
    expect(await api.auditActions(user.userId)).toContain('auth.account.locked');
  });

  it('regenerates recovery codes (the old ones stop working) and disables with password and code', async () => {
    const user = await api.signup('tfa-manage');
    const { secret, recoveryCodes: first } = await enroll(user.accessToken);

    const wrongCode = await api.post('/v1/auth/2fa/recovery-codes', { code: '000000' }, user.accessToken);
    expect(wrongCode.status).toBe(422);
    const regenerated = await api.post(
      '/v1/auth/2fa/recovery-codes',
      { code: await codes.next(secret) },
      user.accessToken,
    );
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.recoveryCodes).toHaveLength(10);
    expect(
      (await api.post('/v1/auth/login/2fa', { challengeToken: await challenge(user), recoveryCode: first[0] })).status,
    ).toBe(401);
    expect(
      (
        await api.post('/v1/auth/login/2fa', {
          challengeToken: await challenge(user),
          recoveryCode: regenerated.body.recoveryCodes[0],
        })
      ).status,
    ).toBe(200);

    const wrongPassword = await api.post(
      '/v1/auth/2fa/disable',
      { password: 'Not-The-Password-1', code: '123456' },
      user.accessToken,
    );
    expect(wrongPassword.status).toBe(422);
    expect(wrongPassword.body.code).toBe('wrong_password');
    const disabled = await api.post(
      '/v1/auth/2fa/disable',
      { password: user.password, code: await codes.next(secret) },
      user.accessToken,
    );
    expect(disabled.status).toBe(204);
    expect(await api.db.recoveryCode.count({ where: { userId: user.userId } })).toBe(0);
    expect(await api.db.user.findUniqueOrThrow({ where: { id: user.userId } })).toMatchObject({
      totpSecretEnc: null,
      totpEnabledAt: null,
    });

    const login = await api.login(user.email, user.password);
    expect(login.body.accessToken).toEqual(expect.any(String));
    expect(
      (await api.post('/v1/auth/2fa/disable', { password: user.password, code: '123456' }, user.accessToken)).body.code,
    ).toBe('two_factor_not_enabled');
    expect(await api.auditActions(user.userId)).toEqual(
      expect.arrayContaining(['auth.2fa.recovery_codes_regenerated', 'auth.2fa.disable_failed', 'auth.2fa.disabled']),
    );
  });

  it('makes owners and admins of a tenant requiring 2FA enrol before they get tokens', async () => {
    const owner = await api.signup('tfa-required');
    const agent = await api.signup('tfa-agent');
    await api.app.app
      .get(MembershipsRepository)
      .create({ userId: agent.userId, tenantId: owner.tenantId, role: MembershipRole.AGENT });
    await api.db.tenant.update({ where: { id: owner.tenantId }, data: { settings: { require2faForAdmins: true } } });

    const refused = await api.login(owner.email, owner.password);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('two_factor_enrollment_required');
    expect(refused.body.accessToken).toBeUndefined();
    const enrollmentToken = refused.body.enrollmentToken as string;
    // Sessions from before the rule cannot be refreshed into new tokens either.
    expect((await api.post('/v1/auth/refresh', { refreshToken: owner.refreshToken })).body.code).toBe(
      'two_factor_enrollment_required',
    );

    // The enrolment token opens the setup and enable routes, nothing else.
    expect((await api.request('GET', '/v1/auth/me', { token: enrollmentToken })).status).toBe(401);
    expect(
      (await api.post('/v1/auth/2fa/disable', { password: owner.password, code: '123456' }, enrollmentToken)).status,
    ).toBe(401);
    expect((await api.post('/v1/auth/2fa/setup', undefined, 'not-a-token')).status).toBe(401);
    const { secret } = await enroll(enrollmentToken);

    const done = await api.post('/v1/auth/login/2fa', {
      challengeToken: await challenge(owner),
      code: await codes.next(secret),
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ role: 'OWNER', tenant: { id: owner.tenantId } });

    // An AGENT of that tenant is not concerned by the rule.
    const agentLogin = await api.login(agent.email, agent.password, owner.slug);
    expect(agentLogin.status).toBe(200);
    expect(agentLogin.body.role).toBe('AGENT');
  });

  it('needs a token on every 2FA route', async () => {
    for (const path of ['setup', 'enable', 'disable', 'recovery-codes']) {
      const response = await api.post(`/v1/auth/2fa/${path}`, {});
      expect(response.status).toBe(401);
    }
  });

  it('never answered with a secret (the TOTP secret only in its setup answer)', async () => {
    await api.assertNoSecretsInResponses();
  });
});
