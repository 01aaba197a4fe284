// The browser flow of sessions: with X-Session-Transport: cookie and an allowed Origin, the refresh
// token is an HttpOnly cookie that refresh rotates and logout clears, with the same reuse detection
// as the body flow; without the header or from another origin, the cookie is refused.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { allowedOrigins, SESSION_TRANSPORT_HEADER } from '@helpdeskly/http';
import { type ApiResponse, AuthE2eFixture, type SignedUp, strongPassword } from '../testing/auth-e2e.fixture';
import { REFRESH_COOKIE } from './session-cookie.interceptor';

interface SetCookie {
  readonly value: string;
  readonly attributes: Record<string, string | true>;
}

/** The refresh cookie of an answer's Set-Cookie, its attributes by lower-cased name. */
function refreshCookieOf(response: ApiResponse): SetCookie | undefined {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${REFRESH_COOKIE}=`));
  if (line === undefined) return undefined;
  const [pair, ...parts] = line.split(/;\s*/);
  const attributes = Object.fromEntries(
    parts.map((part) => {
      const [name, value] = part.split('=');
      return [name.toLowerCase(), value ?? true] as const;
    }),
  );
  return { value: pair.slice(REFRESH_COOKIE.length + 1), attributes };
}

describe('sessions in a browser: the refresh token as a cookie (e2e)', () => {
  let api: AuthE2eFixture;
  let origin: string;

  before(async () => {
    api = await AuthE2eFixture.start();
    origin = allowedOrigins(api.app.config)[0];
  });

  after(async () => {
    await api?.assertNoSecretsInResponses();
    await api?.close();
  });

  const browser = (extra: Record<string, string> = {}) => ({
    [SESSION_TRANSPORT_HEADER]: 'cookie',
    origin,
    ...extra,
  });
  const withCookie = (value: string) => ({ cookie: `${REFRESH_COOKIE}=${value}` });
  const refreshWith = (value: string, headers: Record<string, string> = browser()) =>
    api.request('POST', '/v1/auth/refresh', { headers: { ...headers, ...withCookie(value) } });
  const loginInBrowser = (user: SignedUp) =>
    api.request('POST', '/v1/auth/login', {
      body: { email: user.email, password: user.password },
      headers: browser(),
    });

  it('sets the refresh token on login as an HttpOnly, Secure, SameSite=Strict cookie of /v1/auth, never in the body', async () => {
    const user = await api.signup('ck-login');
    const response = await loginInBrowser(user);
    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty('refreshToken');
    expect(response.body).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String) });
    const cookie = refreshCookieOf(response)!;
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const maxAge = Number(cookie.attributes['max-age']);
    const lifetime = (new Date(response.body.refreshTokenExpiresAt).getTime() - Date.now()) / 1000;
    expect(Math.abs(maxAge - lifetime)).toBeLessThan(5);
    expect(cookie.attributes).toEqual({
      'max-age': String(maxAge),
      path: '/v1/auth',
      httponly: true,
      secure: true,
      samesite: 'Strict',
    });
    expect((await api.request('GET', '/v1/auth/me', { token: response.body.accessToken })).status).toBe(200);
  });

  it('signs up with the cookie too', async () => {
    const slug = api.unique('ck-signup');
    const password = strongPassword();
    api.passwords.add(password);
    const response = await api.request('POST', '/v1/auth/signup', {
      body: { email: `${slug}@example.com`, password, name: 'Cookie', tenantName: 'Cookie', tenantSlug: slug },
      headers: browser(),
    });
    api.track(response.body.user?.id, response.body.tenant?.id);
    expect([201, 202]).toContain(response.status);
    expect(response.body).not.toHaveProperty('refreshToken');
    expect(refreshCookieOf(response)?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('rotates the cookie on refresh; the spent value coming back revokes the session, as in the body flow', async () => {
    const user = await api.signup('ck-rotate');
    const first = refreshCookieOf(await loginInBrowser(user))!.value;
    const refreshed = await refreshWith(first);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).not.toHaveProperty('refreshToken');
    const second = refreshCookieOf(refreshed)!;
    expect(second.value).not.toBe(first);
    expect(second.attributes).toMatchObject({ path: '/v1/auth', httponly: true, secure: true, samesite: 'Strict' });
    const access = refreshed.body.accessToken as string;
    expect((await api.request('GET', '/v1/auth/me', { token: access })).status).toBe(200);

    const reused = await refreshWith(first);
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('refresh_token_reused');
    // A refused cookie is cleared, so the browser stops sending it.
    expect(refreshCookieOf(reused)?.attributes['max-age']).toBe('0');
    expect((await refreshWith(second.value)).status).toBe(401);
    // Every token of the browser's session (the sign-up's session is another family).
    const familyId = JSON.parse(Buffer.from(access.split('.')[1], 'base64url').toString()).sid as string;
    const rows = await api.db.refreshToken.findMany({ where: { familyId } });
    expect(rows.length).toBe(2);
    expect(rows.every((row) => row.revokedAt !== null)).toBe(true);
    const me = await api.request('GET', '/v1/auth/me', { token: access });
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('session_revoked');
  });

  it('logs out with the cookie: 204, the cookie cleared, the session over', async () => {
    const user = await api.signup('ck-logout');
    const value = refreshCookieOf(await loginInBrowser(user))!.value;
    const response = await api.request('POST', '/v1/auth/logout', { headers: { ...browser(), ...withCookie(value) } });
    expect(response.status).toBe(204);
    expect(refreshCookieOf(response)).toEqual({
      value: '',
      attributes: expect.objectContaining({ 'max-age': '0', path: '/v1/auth', httponly: true, secure: true }),
    });
    expect((await refreshWith(value)).status).toBe(401);
  });

  it('clears the cookie on logout-all in the cookie flow', async () => {
    const user = await api.signup('ck-logout-all');
    const login = await loginInBrowser(user);
    const response = await api.request('POST', '/v1/auth/logout-all', {
      token: login.body.accessToken,
      headers: browser(),
    });
    expect(response.status).toBe(204);
    expect(refreshCookieOf(response)?.attributes['max-age']).toBe('0');
    expect((await refreshWith(refreshCookieOf(login)!.value)).status).toBe(401);
  });

  it('refuses the cookie without the header, and the flow from another origin or none, with 403 csrf_rejected', async () => {
    const user = await api.signup('ck-csrf');
    const value = refreshCookieOf(await loginInBrowser(user))!.value;
    const refusals = [
      await refreshWith(value, {}),
      await api.request('POST', '/v1/auth/logout', { headers: withCookie(value) }),
      await refreshWith(value, browser({ origin: 'https://attacker.example' })),
      await refreshWith(value, { [SESSION_TRANSPORT_HEADER]: 'cookie' }),
      await refreshWith(value, { [SESSION_TRANSPORT_HEADER]: 'cookie', referer: 'https://attacker.example/page' }),
      await api.request('POST', '/v1/auth/login', {
        body: { email: user.email, password: user.password },
        headers: browser({ origin: 'https://attacker.example' }),
      }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(403);
      expect(refusal.body.code).toBe('csrf_rejected');
      expect(refusal.headers.get('content-type')).toContain('application/problem+json');
      expect(refreshCookieOf(refusal)).toBeUndefined();
    }
    // The Referer's origin stands in for a missing Origin; the cookie was never spent above.
    const viaReferer = await refreshWith(value, { [SESSION_TRANSPORT_HEADER]: 'cookie', referer: `${origin}/inbox` });
    expect(viaReferer.status).toBe(200);
  });

  it('answers 400 unknown_session_transport to another value, and 401 to the cookie flow without a cookie', async () => {
    const unknown = await api.request('POST', '/v1/auth/refresh', {
      body: { refreshToken: 'x' },
      headers: browser({ [SESSION_TRANSPORT_HEADER]: 'local-storage' }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('unknown_session_transport');
    const missing = await api.request('POST', '/v1/auth/refresh', { headers: browser() });
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('invalid_refresh_token');
  });

  it('keeps the body flow as it was: the token in the body, no cookie, refresh and logout by body', async () => {
    const user = await api.signup('ck-body');
    const login = await api.login(user.email, user.password);
    expect(login.status).toBe(200);
    expect(login.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(login.headers.getSetCookie()).toEqual([]);
    const refreshed = await api.post('/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(refreshed.headers.getSetCookie()).toEqual([]);
    expect((await api.post('/v1/auth/refresh', {})).status).toBe(400);
    expect((await api.post('/v1/auth/logout', { refreshToken: refreshed.body.refreshToken })).status).toBe(204);
  });

  it('answers the preflight of the cookie flow with credentials for the exact origin and the header', async () => {
    const preflight = await fetch(`${api.app.baseUrl}/v1/auth/refresh`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': `content-type,${SESSION_TRANSPORT_HEADER}`,
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toContain(
      SESSION_TRANSPORT_HEADER,
    );
    const foreign = await fetch(`${api.app.baseUrl}/v1/auth/refresh`, {
      method: 'OPTIONS',
      headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
