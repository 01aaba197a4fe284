import { type KeyObject, createHash, createSecretKey, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { sign as signJwt, verify as verifyJwt } from 'jsonwebtoken';
import { AppConfig } from '@helpdeskly/config';
import { type AuthContext, MEMBERSHIP_ROLES, type MembershipRoleName } from './auth-context';
import { AuthErrorCode, AuthException } from './auth.errors';
import { type JwtKeys, JwtKeySource } from './jwt-key-source';

/** The only algorithm accepted: a token announcing `none`, RS256 or anything else is refused. */
const ALGORITHM = 'HS256';

/** Distinguishes access tokens from other signed tokens (a 2FA challenge is not an access token). */
export type TokenPurpose = 'access' | '2fa_challenge' | '2fa_enrollment';

export interface SignedToken {
  readonly token: string;
  readonly tokenId: string;
  /** Seconds until it expires. */
  readonly expiresIn: number;
}

interface Claims {
  sub: string;
  tid?: string;
  role?: string;
  pa?: boolean;
  /** Access tokens: the refresh token family (session) they belong to. */
  sid?: string;
  typ: TokenPurpose;
  jti: string;
  iat: number;
  exp: number;
}

/** How far ahead of this clock another instance's clock may be when it signs (`iat` in the future). */
const CLOCK_SKEW_SECONDS = 60;

interface Keyring {
  readonly source: JwtKeys;
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly currentKeyId: string;
}

/** Most verified access tokens remembered per process (about 200 bytes each). */
const VERIFIED_TOKENS_MAX = 10_000;

/** `15m`, `900s`, `900` → seconds. */
export function durationSeconds(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  if (!match) throw new Error(`invalid duration ${value}`);
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] ?? 's']!;
  return Math.max(1, Math.floor(Number(match[1]) * factor));
}

/** Short, stable id of a secret, so a token says which key signed it without revealing it. */
export const keyIdOf = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 16);

/** The `alg` and `kid` of a JWT's header, without decoding its payload (undefined when malformed). */
function headerOf(token: string): { alg?: unknown; kid?: unknown } | undefined {
  const end = token.indexOf('.');
  if (end <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, end), 'base64url').toString('utf8'));
    return header && typeof header === 'object' ? (header as { alg?: unknown; kid?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Signs and verifies Helpdeskly's JWTs (HS256 only; iss, aud, exp and the purpose checked). A
 * rotation of the signing secret logs nobody out: tokens carry the signing key's id (`kid`), and
 * the previous secret keeps verifying its tokens while it is kept (JWT_PREVIOUS_SECRET, or
 * `previous_secret` in Vault, where `next_secret` also verifies before it starts signing). The
 * keys are read from {@link Secrets} on each use, so a rotation in Vault needs no restart.
 */
@Injectable()
export class AccessTokenService {
  private readonly accessTtl: number;
  // HMAC keys as KeyObjects, made once per key: given a string, jsonwebtoken tries to parse it as a
  // public key on every verify (crypto.createPublicKey, ~6 % of a request's CPU).
  private keyring?: Keyring;
  /** Access tokens already verified, oldest first (see verifyAccess). */
  private readonly verified = new Map<
    string,
    { readonly auth: AuthContext; readonly keyring: Keyring; readonly expiresAtMs: number }
  >();

  constructor(
    private readonly config: AppConfig,
    private readonly secrets: JwtKeySource,
  ) {
    this.accessTtl = durationSeconds(config.auth.jwtExpiresIn);
  }

  /** The keys by id, rebuilt only when the source hands out new ones. */
  private keysNow(): Keyring {
    const source = this.secrets.jwtKeys();
    if (this.keyring?.source !== source) {
      const currentKeyId = keyIdOf(source.current);
      const entry = (key: string) => [keyIdOf(key), createSecretKey(Buffer.from(key, 'utf8'))] as const;
      const verifying = [source.previous, source.next].filter((key): key is string => key !== undefined).map(entry);
      this.keyring = { source, keys: new Map([...verifying, entry(source.current)]), currentKeyId };
    }
    return this.keyring;
  }

  /** Seconds an access token lives (JWT_EXPIRES_IN): no token living longer is accepted. */
  get accessTokenTtlSeconds(): number {
    return this.accessTtl;
  }

  /** An access token for a user acting in one tenant with one role, within session `sessionId` (a refresh token family). */
  signAccess(subject: {
    userId: string;
    tenantId: string;
    role: MembershipRoleName;
    isPlatformAdmin: boolean;
    sessionId: string;
  }): SignedToken {
    return this.sign(
      {
        sub: subject.userId,
        tid: subject.tenantId,
        role: subject.role,
        pa: subject.isPlatformAdmin || undefined,
        sid: subject.sessionId,
      },
      'access',
      this.accessTtl,
    );
  }

  /** A short-lived token for another purpose (e.g. the second step of a 2FA login). */
  signPurpose(
    purpose: Exclude<TokenPurpose, 'access'>,
    claims: { sub: string; tid?: string },
    ttlSeconds: number,
  ): SignedToken {
    return this.sign(claims, purpose, ttlSeconds);
  }

  /**
   * The caller of a valid access token. A client sends the same token with every request for its
   * lifetime, so a token verified once is remembered (bounded, until its `exp`, and only while the
   * keys it was verified with are the keys in use): the signature check is done once per token,
   * not per request. Invalid tokens are never remembered. Whether its session was revoked is
   * not this method's business: {@link SessionRevocations} answers that on every request.
   */
  verifyAccess(token: string): AuthContext {
    const keyring = this.keysNow();
    const known = this.verified.get(token);
    if (known && known.keyring === keyring && known.expiresAtMs > Date.now()) return known.auth;
    const claims = this.verify(token, 'access');
    if (!claims.tid || !MEMBERSHIP_ROLES.includes(claims.role as MembershipRoleName))
      throw new AuthException(AuthErrorCode.InvalidToken, 'The token lacks its tenant or role.');
    if (typeof claims.sid !== 'string' || claims.sid.length === 0 || claims.sid.length > 64)
      throw new AuthException(AuthErrorCode.InvalidToken, 'The token lacks its session.');
    // A token minted to outlive JWT_EXPIRES_IN (a leaked key, a misconfigured peer) is not ours to honour.
    if (claims.exp - claims.iat > this.accessTtl)
      throw new AuthException(AuthErrorCode.InvalidToken, 'The token lives longer than access tokens may.');
    const auth: AuthContext = Object.freeze({
      userId: claims.sub,
      tenantId: claims.tid,
      role: claims.role as MembershipRoleName,
      isPlatformAdmin: claims.pa === true,
      tokenId: claims.jti,
      sessionId: claims.sid,
      issuedAt: claims.iat,
    });
    if (this.verified.size >= VERIFIED_TOKENS_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { auth, keyring, expiresAtMs: claims.exp * 1000 });
    return auth;
  }

  verifyPurpose(
    token: string,
    purpose: Exclude<TokenPurpose, 'access'>,
  ): { userId: string; tenantId?: string; tokenId: string; expiresAt: Date } {
    const claims = this.verify(token, purpose);
    return { userId: claims.sub, tenantId: claims.tid, tokenId: claims.jti, expiresAt: new Date(claims.exp * 1000) };
  }

  private sign(
    claims: Omit<Claims, 'typ' | 'jti' | 'iat' | 'exp'>,
    purpose: TokenPurpose,
    ttlSeconds: number,
  ): SignedToken {
    const tokenId = randomUUID();
    const { keys, currentKeyId } = this.keysNow();
    const token = signJwt({ ...claims, typ: purpose }, keys.get(currentKeyId)!, {
      algorithm: ALGORITHM,
      keyid: currentKeyId,
      expiresIn: ttlSeconds,
      issuer: this.config.auth.jwtIssuer,
      audience: this.config.auth.jwtAudience,
      jwtid: tokenId,
    });
    return { token, tokenId, expiresIn: ttlSeconds };
  }

  private verify(token: string, purpose: TokenPurpose): Claims {
    const header = headerOf(token);
    if (!header || header.alg !== ALGORITHM)
      throw new AuthException(
        AuthErrorCode.InvalidToken,
        'The token is malformed or not signed with the expected algorithm.',
      );
    const secret = typeof header.kid === 'string' ? this.keysNow().keys.get(header.kid) : undefined;
    if (!secret) throw new AuthException(AuthErrorCode.InvalidToken, 'The token was signed with an unknown key.');
    let claims: Claims;
    try {
      claims = verifyJwt(token, secret, {
        algorithms: [ALGORITHM],
        issuer: this.config.auth.jwtIssuer,
        audience: this.config.auth.jwtAudience,
      }) as Claims;
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError')
        throw new AuthException(AuthErrorCode.TokenExpired, 'The token has expired.');
      throw new AuthException(AuthErrorCode.InvalidToken, 'The token could not be verified.');
    }
    if (claims.typ !== purpose || typeof claims.sub !== 'string' || typeof claims.jti !== 'string')
      throw new AuthException(AuthErrorCode.InvalidToken, 'The token is not valid for this use.');
    // jsonwebtoken checks exp only when present: a token without it would never expire.
    if (!Number.isInteger(claims.exp) || !Number.isInteger(claims.iat))
      throw new AuthException(
        AuthErrorCode.InvalidToken,
        'The token must say when it was issued and when it expires (iat, exp).',
      );
    if (claims.iat > Math.floor(Date.now() / 1000) + CLOCK_SKEW_SECONDS || claims.exp <= claims.iat)
      throw new AuthException(AuthErrorCode.InvalidToken, "The token's issue and expiry times are not plausible.");
    return claims;
  }
}
