import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 of a link token: what the database stores, so a leaked table opens no account. */
export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A one-time token for an emailed link (password reset, invitation): 32 random bytes, base64url. */
export function newLinkToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashLinkToken(token) };
}

/** `${FRONTEND_URL}/<path>?token=<token>`, whether or not FRONTEND_URL ends with a slash. */
export function frontendLink(frontendUrl: string, path: string, token: string): string {
  const url = new URL(path, frontendUrl.endsWith('/') ? frontendUrl : `${frontendUrl}/`);
  url.searchParams.set('token', token);
  return url.toString();
}

/** What a link token looks like (43 base64url characters), for DTO validation. */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
