import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import * as jsonwebtoken from 'jsonwebtoken';
import { unitConfig } from '@helpdeskly/testing';
import { AccessTokenService, durationSeconds, keyIdOf } from './access-token.service';
import { AuthErrorCode, AuthException } from './auth.errors';
import { type JwtKeys, JwtKeySource } from './jwt-key-source';

const SECRET = 'current-secret-that-is-long-enough-0123456789';
const OLD_SECRET = 'previous-secret-that-is-long-enough-0123456789';
const BASE = { JWT_ISSUER: 'helpdeskly', JWT_AUDIENCE: 'helpdeskly-api' };
const service = (env: Record<string, string> = {}) => {
  const config = unitConfig({ ...BASE, JWT_SECRET: SECRET, ...env });
  return new AccessTokenService(
    config,
    new FixedKeys({ current: config.auth.jwtSecret!, previous: config.auth.jwtPreviousSecret }),
  );
};

/** Keys a test sets, and changes while the service runs as a Vault rotation would (a unit-test fake). */
class FixedKeys extends JwtKeySource {
  constructor(public keys: JwtKeys) {
    super();
  }
  jwtKeys(): JwtKeys {
    return this.keys;
  }
}
const subject = { userId: 'u-1', tenantId: 't-1', role: 'ADMIN' as const, isPlatformAdmin: false, sessionId: 's-1' };

function codeOf(fn: () => unknown): AuthErrorCode | 'accepted' {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    if (error instanceof AuthException) return error.problem.code as AuthErrorCode;
    throw error;
  }
}

/** Signs a token the way an attacker or a misconfigured peer might. */
const forge = (payload: object, secret: jsonwebtoken.Secret, options: jsonwebtoken.SignOptions) =>
  jsonwebtoken.sign({ exp: Math.floor(Date.now() / 1000) + 60, ...payload }, secret, {
    issuer: 'helpdeskly',
    audience: 'helpdeskly-api',
    jwtid: 'j',
    keyid: keyIdOf(SECRET),
    ...options,
  });
const claims = { sub: 'u-1', tid: 't-1', role: 'ADMIN', typ: 'access', sid: 's-1' };

describe(AccessTokenService.name, () => {
  it('signs an access token that verifies into the caller', () => {
    const sut = service();
    const signed = sut.signAccess(subject);
    expect(signed.expiresIn).toBe(900);
    const payload = JSON.parse(Buffer.from(signed.token.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ sub: 'u-1', tid: 't-1', sid: 's-1', typ: 'access' });
    expect(payload.exp - payload.iat).toBe(900);
    expect(sut.verifyAccess(signed.token)).toEqual({ ...subject, tokenId: signed.tokenId, issuedAt: payload.iat });
    const header = JSON.parse(Buffer.from(signed.token.split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: keyIdOf(SECRET) });
  });

  it('accepts a token forged with the right secret and claims (the forgery helper is sound)', () => {
    expect(codeOf(() => service().verifyAccess(forge(claims, SECRET, { algorithm: 'HS256' })))).toBe('accepted');
  });

  it('rejects alg none', () => {
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: keyIdOf(SECRET) })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, iss: 'helpdeskly', aud: 'helpdeskly-api', exp: Math.floor(Date.now() / 1000) + 60, jti: 'j' })).toString('base64url')}.`;
    expect(codeOf(() => service().verifyAccess(unsigned))).toBe(AuthErrorCode.InvalidToken);
  });

  it('rejects another HMAC algorithm with the right secret', () => {
    expect(codeOf(() => service().verifyAccess(forge(claims, SECRET, { algorithm: 'HS512' })))).toBe(
      AuthErrorCode.InvalidToken,
    );
  });

  it('rejects an RS256 token', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(codeOf(() => service().verifyAccess(forge(claims, privateKey, { algorithm: 'RS256' })))).toBe(
      AuthErrorCode.InvalidToken,
    );
  });

  it('rejects a bad signature, a wrong issuer and a wrong audience', () => {
    const sut = service();
    expect(
      codeOf(() => sut.verifyAccess(forge(claims, 'another-secret-entirely-0123456789abcdef', { algorithm: 'HS256' }))),
    ).toBe(AuthErrorCode.InvalidToken);
    expect(codeOf(() => sut.verifyAccess(forge(claims, SECRET, { algorithm: 'HS256', issuer: 'evil' })))).toBe(
      AuthErrorCode.InvalidToken,
    );
    expect(codeOf(() => sut.verifyAccess(forge(claims, SECRET, { algorithm: 'HS256', audience: 'other-api' })))).toBe(
      AuthErrorCode.InvalidToken,
    );
  });

  it('rejects a token without exp, as it would never expire', () => {
    const { exp: _exp, ...payload } = { ...claims, exp: 0 };
    const forever = jsonwebtoken.sign(payload, SECRET, {
      algorithm: 'HS256',
      issuer: 'helpdeskly',
      audience: 'helpdeskly-api',
      jwtid: 'j',
      keyid: keyIdOf(SECRET),
    });
    expect(JSON.parse(Buffer.from(forever.split('.')[1], 'base64url').toString())).not.toHaveProperty('exp');
    expect(codeOf(() => service().verifyAccess(forever))).toBe(AuthErrorCode.InvalidToken);
  });

  it('rejects a token without iat, or issued in the future', () => {
    expect(codeOf(() => service().verifyAccess(forge(claims, SECRET, { algorithm: 'HS256', noTimestamp: true })))).toBe(
      AuthErrorCode.InvalidToken,
    );
    const now = Math.floor(Date.now() / 1000);
    expect(
      codeOf(() =>
        service().verifyAccess(forge({ ...claims, iat: now + 3600, exp: now + 3900 }, SECRET, { algorithm: 'HS256' })),
      ),
    ).toBe(AuthErrorCode.InvalidToken);
  });

  it('rejects a token living longer than JWT_EXPIRES_IN, and accepts one living exactly that long', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      codeOf(() =>
        service().verifyAccess(forge({ ...claims, iat: now, exp: now + 901 }, SECRET, { algorithm: 'HS256' })),
      ),
    ).toBe(AuthErrorCode.InvalidToken);
    expect(
      codeOf(() =>
        service().verifyAccess(
          forge({ ...claims, iat: now - 10, exp: now + 365 * 86_400 }, SECRET, { algorithm: 'HS256' }),
        ),
      ),
    ).toBe(AuthErrorCode.InvalidToken);
    expect(
      codeOf(() =>
        service().verifyAccess(forge({ ...claims, iat: now, exp: now + 900 }, SECRET, { algorithm: 'HS256' })),
      ),
    ).toBe('accepted');
  });

  it('rejects an access token without its session (sid)', () => {
    const { sid: _sid, ...withoutSession } = claims;
    expect(codeOf(() => service().verifyAccess(forge(withoutSession, SECRET, { algorithm: 'HS256' })))).toBe(
      AuthErrorCode.InvalidToken,
    );
  });

  it('rejects an expired token as expired', () => {
    const expired = forge({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, SECRET, { algorithm: 'HS256' });
    expect(codeOf(() => service().verifyAccess(expired))).toBe(AuthErrorCode.TokenExpired);
  });

  it('rejects garbage and a token of another purpose', () => {
    const sut = service();
    expect(codeOf(() => sut.verifyAccess('not.a.jwt'))).toBe(AuthErrorCode.InvalidToken);
    const challenge = sut.signPurpose('2fa_challenge', { sub: 'u-1' }, 300);
    expect(codeOf(() => sut.verifyAccess(challenge.token))).toBe(AuthErrorCode.InvalidToken);
    expect(sut.verifyPurpose(challenge.token, '2fa_challenge')).toMatchObject({
      userId: 'u-1',
      tokenId: challenge.tokenId,
    });
  });

  it('keeps verifying tokens of the previous secret during a rotation, and only then', () => {
    const old = service({ JWT_SECRET: OLD_SECRET }).signAccess(subject).token;
    expect(codeOf(() => service({ JWT_PREVIOUS_SECRET: OLD_SECRET }).verifyAccess(old))).toBe('accepted');
    expect(codeOf(() => service().verifyAccess(old))).toBe(AuthErrorCode.InvalidToken);
    // New tokens are signed with the current secret only.
    const fresh = service({ JWT_PREVIOUS_SECRET: OLD_SECRET }).signAccess(subject).token;
    expect(codeOf(() => service().verifyAccess(fresh))).toBe('accepted');
  });

  it('reads durations', () => {
    expect([
      durationSeconds('15m'),
      durationSeconds('900s'),
      durationSeconds('900'),
      durationSeconds('1h'),
      durationSeconds('2d'),
    ]).toEqual([900, 900, 900, 3600, 172800]);
  });

  it('follows a rotation of the keys it is given without being rebuilt: next verifies first, then signs, then previous retires', () => {
    const NEW_SECRET = 'next-secret-that-is-long-enough-0123456789abc';
    const keys = new FixedKeys({ current: SECRET });
    const sut = new AccessTokenService(unitConfig({ ...BASE, JWT_SECRET: SECRET }), keys);
    const old = sut.signAccess(subject).token;
    // A peer that already signs with the new key, while this one has only been told about it.
    const peer = new AccessTokenService(
      unitConfig({ ...BASE, JWT_SECRET: NEW_SECRET }),
      new FixedKeys({ current: NEW_SECRET }),
    );
    const fromPeer = peer.signAccess(subject).token;
    expect(codeOf(() => sut.verifyAccess(fromPeer))).toBe(AuthErrorCode.InvalidToken);
    keys.keys = { current: SECRET, next: NEW_SECRET };
    expect(codeOf(() => sut.verifyAccess(fromPeer))).toBe('accepted');
    keys.keys = { current: NEW_SECRET, previous: SECRET };
    const signedNow = sut.signAccess(subject).token;
    expect(JSON.parse(Buffer.from(signedNow.split('.')[0], 'base64url').toString()).kid).toBe(keyIdOf(NEW_SECRET));
    expect(codeOf(() => sut.verifyAccess(old))).toBe('accepted');
    keys.keys = { current: NEW_SECRET };
    expect(codeOf(() => sut.verifyAccess(old))).toBe(AuthErrorCode.InvalidToken);
    expect(codeOf(() => sut.verifyAccess(signedNow))).toBe('accepted');
  });

  it('verifies a token once, then remembers it until its exp, and only with the keys it was verified with', () => {
    const keys = new FixedKeys({ current: SECRET });
    const sut = new AccessTokenService(unitConfig({ ...BASE, JWT_SECRET: SECRET, JWT_EXPIRES_IN: '2s' }), keys);
    const token = sut.signAccess(subject).token;
    const first = sut.verifyAccess(token);
    expect(sut.verifyAccess(token)).toBe(first);
    // The keys change (a rotation that retires this one): the remembered answer is not used.
    keys.keys = { current: OLD_SECRET };
    expect(codeOf(() => sut.verifyAccess(token))).toBe(AuthErrorCode.InvalidToken);
    keys.keys = { current: SECRET };
    expect(sut.verifyAccess(token)).toEqual(first);
    const realNow = Date.now;
    try {
      Date.now = () => realNow() + 3_000;
      expect(codeOf(() => sut.verifyAccess(token))).toBe(AuthErrorCode.TokenExpired);
    } finally {
      Date.now = realNow;
    }
  });
});
