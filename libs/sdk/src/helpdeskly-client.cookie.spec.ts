import { describe, it } from 'node:test';
import { expect } from 'expect';
import { createHelpdesklyClient, SESSION_TRANSPORT_HEADER } from './helpdeskly-client';
import type { SessionTokens } from './session';

const CONTROL = 'http://control.test';
const APP = 'http://app.test';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
/** A cookie-flow session answer: no refreshToken, control-api set it as a cookie. */
const session = (n: number) => ({
  tokenType: 'Bearer',
  accessToken: `access-${n}`,
  expiresIn: 900,
  refreshTokenExpiresAt: '2030-01-01T00:00:00.000Z',
});

/** control-api and app-api in the cookie flow: the "cookie" is the fake's, the client never sees it. */
function fakeApis() {
  let issued = 1;
  const calls: Array<{ url: string; transport: string | null; credentials: string; body: string }> = [];
  const fetch = async (request: Request): Promise<Response> => {
    const body = await request.text();
    calls.push({
      url: request.url,
      transport: request.headers.get(SESSION_TRANSPORT_HEADER),
      credentials: request.credentials,
      body,
    });
    const { pathname } = new URL(request.url);
    if (pathname === '/v1/auth/login') return json(200, session(issued));
    if (pathname === '/v1/auth/refresh') {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return json(200, session(++issued));
    }
    if (pathname === '/v1/auth/logout') return new Response(null, { status: 204 });
    if (request.headers.get('authorization') !== `Bearer access-${issued}`)
      return new Response(JSON.stringify({ status: 401, code: 'token_expired', title: 'expired' }), {
        status: 401,
        headers: { 'content-type': 'application/problem+json' },
      });
    return json(200, { path: pathname });
  };
  return { calls, fetch, expire: () => issued++ };
}

describe('createHelpdesklyClient with refreshTransport: cookie', () => {
  it('signs in with the opt-in header and credentials, and holds no refresh token', async () => {
    const apis = fakeApis();
    const tokens: Array<SessionTokens | undefined> = [];
    const sdk = createHelpdesklyClient({
      controlUrl: CONTROL,
      appUrl: APP,
      fetch: apis.fetch,
      refreshTransport: 'cookie',
      onTokens: (t) => tokens.push(t),
    });
    await sdk.signIn({ email: 'a@example.com', password: 'secret' });
    expect(apis.calls[0]).toMatchObject({
      url: `${CONTROL}/v1/auth/login`,
      transport: 'cookie',
      credentials: 'include',
    });
    expect(sdk.session.current).toEqual({ accessToken: 'access-1' });
    expect(tokens).toEqual([{ accessToken: 'access-1' }]);
  });

  it('refreshes through the cookie once for concurrent expired requests, then retries each', async () => {
    const apis = fakeApis();
    const sdk = createHelpdesklyClient({
      controlUrl: CONTROL,
      appUrl: APP,
      fetch: apis.fetch,
      refreshTransport: 'cookie',
      tokens: { accessToken: 'access-1' },
    });
    apis.expire();
    const answers = await Promise.all([
      sdk.app.GET('/v1/tags'),
      sdk.control.GET('/v1/auth/me'),
      sdk.app.GET('/v1/tags'),
    ]);
    expect(answers.map((a) => a.response.status)).toEqual([200, 200, 200]);
    const refreshes = apis.calls.filter((c) => c.url === `${CONTROL}/v1/auth/refresh`);
    expect(refreshes).toEqual([
      { url: `${CONTROL}/v1/auth/refresh`, transport: 'cookie', credentials: 'include', body: '' },
    ]);
    expect(sdk.session.current).toEqual({ accessToken: 'access-3' });
    // control-api's requests carry the cookie flow; app-api's only the bearer.
    const me = apis.calls.filter((c) => c.url === `${CONTROL}/v1/auth/me`);
    expect(me.every((c) => c.transport === 'cookie' && c.credentials === 'include')).toBe(true);
    const tags = apis.calls.filter((c) => c.url === `${APP}/v1/tags`);
    expect(tags.every((c) => c.transport === null)).toBe(true);
  });

  it('resumes a session after a page load from the cookie alone', async () => {
    const apis = fakeApis();
    const sdk = createHelpdesklyClient({
      controlUrl: CONTROL,
      appUrl: APP,
      fetch: apis.fetch,
      refreshTransport: 'cookie',
    });
    await sdk.resume();
    expect(sdk.session.current).toEqual({ accessToken: 'access-2' });
    expect((await sdk.app.GET('/v1/tags')).response.status).toBe(200);
  });

  it('signs out through the cookie: logout with no body, the session forgotten', async () => {
    const apis = fakeApis();
    const sdk = createHelpdesklyClient({
      controlUrl: CONTROL,
      appUrl: APP,
      fetch: apis.fetch,
      refreshTransport: 'cookie',
      tokens: { accessToken: 'access-1' },
    });
    await sdk.signOut();
    expect(apis.calls).toEqual([
      { url: `${CONTROL}/v1/auth/logout`, transport: 'cookie', credentials: 'include', body: '' },
    ]);
    expect(sdk.session.current).toBeUndefined();
  });
});
