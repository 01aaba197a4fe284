import { createHash, randomBytes } from 'node:crypto';

/**
 * SHA-256 of an opaque token (refresh token, invitation or password-reset link): what the
 * database stores, so a leaked table opens no session and no account.
 */
export const hashOpaqueToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new opaque token, 32 random bytes in base64url, with the hash to store. */
export function newOpaqueToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashOpaqueToken(token) };
}

/** What a token from {@link newOpaqueToken} looks like (43 base64url characters), for DTO validation. */
export const OPAQUE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
