import { describe, it } from 'node:test';
import { expect } from 'expect';
import { createHelpdesklyClient, type HelpdesklyClientOptions, unwrap } from './helpdeskly-client';
import { idempotencyKey } from './idempotency';
import { NetworkError, ProblemError } from './problem-error';
import type { SessionTokens } from './session';

const CONTROL = 'http://control.test';
const APP = 'http://app.test';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const problem = (status: number, code: string, extra: object = {}, headers: Record<string, string> = {}) =>
  new Response(
    JSON.stringify({
      type: `https://helpdeskly.dev/problems/${code}`,
      title: code,
      status,
      code,
      requestId: 'r-1',
      ...extra,
    }),
    {
      status,
      headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
    },
  );
const session = (n: number) => ({
  tokenType: 'Bearer',
  accessToken: `access-${n}`,
  expiresIn: 900,
  refreshToken: `refresh-${n}`,
  refreshTokenExpiresAt: '2030-01-01T00:00:00.000Z',
});

/**
 * A fake of both APIs. /v1/auth/refresh spends the valid refresh token for access-N and
 * refresh-N (N counting up from 2) once, as control-api does; every other route accepts only
 * the valid access token and answers 401 token_expired to any other. expire() ends the access
 * token's life.
 */
function fakeApis(options: { refresh?: (request: Request) => Promise<Response> } = {}) {
  let issued = 1;
  let validAccess = 'access-1';
  let validRefresh = 'refresh-1';
  const calls: Array<{ method: string; url: string; authorization: string | null; body: string }> = [];
  const refreshes: string[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const body = await request.text();
    calls.push({ method: request.method, url: request.url, authorization: request.headers.get('authorization'), body });
    const { pathname } = new URL(request.url);
    if (pathname === '/v1/auth/refresh') {
      const { refreshToken } = JSON.parse(body);
      refreshes.push(refreshToken);
      if (options.refresh) return options.refresh(request);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (refreshToken !== validRefresh) return problem(401, 'invalid_refresh_token');
      issued++;
      [validAccess, validRefresh] = [`access-${issued}`, `refresh-${issued}`];
      return json(200, session(issued));
    }
    if (pathname === '/v1/auth/login') return json(200, session(issued));
    if (pathname === '/v1/auth/logout') return new Response(null, { status: 204 });
    if (request.headers.get('authorization') !== `Bearer ${validAccess}`) return problem(401, 'token_expired');
    return json(200, { path: pathname, body: body || null });
  };
  return {
    calls,
    refreshes,
    fetch,
    expire: () => (validAccess = 'none'),
  };
}

function clientOf(apis: ReturnType<typeof fakeApis>, options: Partial<HelpdesklyClientOptions> = {}) {
  const signedOut: unknown[] = [];
  const tokens: Array<SessionTokens | undefined> = [];
  const sut = createHelpdesklyClient({
    controlUrl: CONTROL,
    appUrl: `${APP}/`,
    fetch: apis.fetch,
    tokens: { accessToken: 'access-1', refreshToken: 'refresh-1' },
    onSignedOut: (reason) => signedOut.push(reason),
    onTokens: (t) => tokens.push(t),
    ...options,
  });
  return { sut, signedOut, tokens };
}

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe(createHelpdesklyClient.name, () => {
  describe('bearer token and refresh', () => {
    it('sends the access token to both APIs', async () => {
      const apis = fakeApis();
      const { sut } = clientOf(apis);
      await sut.app.GET('/v1/helpdesk');
      await sut.control.GET('/v1/auth/me');
      expect(apis.calls.map((c) => [c.url, c.authorization])).toEqual([
        [`${APP}/v1/helpdesk`, 'Bearer access-1'],
        [`${CONTROL}/v1/auth/me`, 'Bearer access-1'],
      ]);
    });

    it('shares one refresh among concurrent requests that meet token_expired, then retries each once with its body', async () => {
      const apis = fakeApis();
      const { sut, tokens } = clientOf(apis);
      apis.expire();
      const results = await Promise.all([
        ...Array.from({ length: 8 }, () => unwrap(sut.app.GET('/v1/tickets'))),
        unwrap(sut.control.GET('/v1/auth/me')),
        unwrap(
          sut.app.POST('/v1/tickets', { body: { subject: 'S', description: 'D', requester: { email: 'a@b.c' } } }),
        ),
      ]);
      expect(apis.refreshes).toEqual(['refresh-1']);
      expect(results).toHaveLength(10);
      expect((results[9] as unknown as { body: string }).body).toContain('"subject":"S"');
      // 10 rejected + 1 refresh + 10 retried, the retries with the new token.
      expect(apis.calls).toHaveLength(21);
      expect(apis.calls.slice(11).every((c) => c.authorization === 'Bearer access-2')).toBe(true);
      expect(tokens).toEqual([{ accessToken: 'access-2', refreshToken: 'refresh-2' }]);
    });

    it('retries a request answered after the refresh it missed with the new token, without another refresh', async () => {
      const apis = fakeApis();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      // The first GET /v1/helpdesk is answered only after the other request has refreshed.
      let first = true;
      const slow = async (request: Request) => {
        if (new URL(request.url).pathname === '/v1/helpdesk' && first) {
          first = false;
          const response = await apis.fetch(request);
          await held;
          return response;
        }
        return apis.fetch(request);
      };
      const { sut } = clientOf({ ...apis, fetch: slow });
      apis.expire();
      const late = sut.app.GET('/v1/helpdesk');
      await sut.app.GET('/v1/tickets');
      release();
      await late;
      expect(apis.refreshes).toEqual(['refresh-1']);
      expect(apis.calls.at(-1)).toMatchObject({ url: `${APP}/v1/helpdesk`, authorization: 'Bearer access-2' });
    });

    it('does not refresh on other 401s, nor again when the retry is refused', async () => {
      const unauthorized = async () => problem(401, 'session_revoked');
      const { sut, signedOut } = clientOf({ ...fakeApis(), fetch: unauthorized });
      const error = await rejection(sut.app.GET('/v1/helpdesk'));
      expect(error).toBeInstanceOf(ProblemError);
      expect((error as ProblemError).code).toBe('session_revoked');
      expect(signedOut).toEqual([]);

      let calls = 0;
      const alwaysExpired = async (request: Request) => {
        calls++;
        return new URL(request.url).pathname === '/v1/auth/refresh'
          ? json(200, session(calls))
          : problem(401, 'token_expired');
      };
      const second = clientOf({ ...fakeApis(), fetch: alwaysExpired }).sut;
      const expired = await rejection(second.app.GET('/v1/helpdesk'));
      expect((expired as ProblemError).code).toBe('token_expired');
      expect(calls).toBe(3); // the request, one refresh, one retry
    });

    it('signs out once when the refresh is refused, failing every waiting request with its 401', async () => {
      const apis = fakeApis({ refresh: async () => problem(401, 'invalid_refresh_token') });
      const { sut, signedOut, tokens } = clientOf(apis);
      apis.expire();
      const errors = await Promise.all([1, 2, 3].map(() => rejection(sut.app.GET('/v1/tickets'))));
      expect(apis.refreshes).toHaveLength(1);
      for (const error of errors) {
        expect(error).toBeInstanceOf(ProblemError);
        expect((error as ProblemError).code).toBe('token_expired');
        expect(((error as ProblemError).cause as ProblemError).code).toBe('invalid_refresh_token');
      }
      expect(signedOut).toHaveLength(1);
      expect((signedOut[0] as ProblemError).code).toBe('invalid_refresh_token');
      expect(tokens).toEqual([undefined]);
      expect(sut.session.accessToken).toBeUndefined();
    });

    it('keeps the session when the refresh fails for a while (network, 503), and refreshes on a later request', async () => {
      let down: 'network' | '503' | undefined = 'network';
      const apis = fakeApis({
        refresh: async () => {
          if (down === 'network') throw new TypeError('fetch failed');
          if (down === '503') return problem(503, 'service_unavailable', {}, { 'retry-after': '5' });
          return json(200, session(9));
        },
      });
      const { sut, signedOut } = clientOf(apis);
      apis.expire();
      const error = await rejection(sut.app.GET('/v1/tickets'));
      expect(error).toBeInstanceOf(NetworkError);
      expect(signedOut).toEqual([]);
      expect(sut.session.current).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1' });
      down = '503';
      const unavailable = await rejection(sut.app.GET('/v1/tickets'));
      expect(unavailable).toMatchObject({ status: 503, code: 'service_unavailable' });
      expect(signedOut).toEqual([]);
      down = undefined;
      await rejection(sut.app.GET('/v1/tickets')); // refreshed to access-9, which the fake does not know
      expect(apis.refreshes).toEqual(['refresh-1', 'refresh-1', 'refresh-1']);
      expect(sut.session.accessToken).toBe('access-9');
    });

    it('signs in with the login answer and out with the refresh token', async () => {
      const apis = fakeApis();
      const { sut } = clientOf(apis, { tokens: undefined });
      const answer = await sut.signIn({ email: 'ada@example.com', password: 'pw' });
      expect('accessToken' in answer && answer.accessToken).toBe('access-1');
      expect(sut.session.current).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1' });
      await sut.signOut();
      expect(apis.calls.at(-1)).toMatchObject({
        url: `${CONTROL}/v1/auth/logout`,
        body: '{"refreshToken":"refresh-1"}',
      });
      expect(sut.session.current).toBeUndefined();
    });
  });

  describe('errors', () => {
    it('throws problem details as a ProblemError with code, title, detail, field errors and headers', async () => {
      const fetch = async () =>
        problem(
          400,
          'validation_failed',
          {
            title: 'Invalid request',
            detail: 'Invalid body.email',
            errors: [
              { field: 'body.email', code: 'isEmail', message: 'email must be an email' },
              { field: 'body.email', code: 'maxLength', message: 'email is too long' },
              { field: 'query.limit', message: 'limit must not be greater than 100' },
            ],
          },
          { 'x-request-id': 'r-1' },
        );
      const { sut } = clientOf({ ...fakeApis(), fetch });
      const error = (await rejection(sut.app.GET('/v1/tickets'))) as ProblemError;
      expect(error).toBeInstanceOf(ProblemError);
      expect(error).toMatchObject({
        status: 400,
        code: 'validation_failed',
        title: 'Invalid request',
        detail: 'Invalid body.email',
        requestId: 'r-1',
        method: 'GET',
        url: `${APP}/v1/tickets`,
      });
      expect(error.fields).toEqual({
        email: ['email must be an email', 'email is too long'],
        'query.limit': ['limit must not be greater than 100'],
      });
      expect(error.headers.get('x-request-id')).toBe('r-1');
      expect(error.message).toBe('Invalid request (validation_failed): Invalid body.email');
    });

    it('throws other non-2xx answers as an HttpError and failures to connect as a NetworkError', async () => {
      const html = async () =>
        new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } });
      const error = await rejection(clientOf({ ...fakeApis(), fetch: html }).sut.app.GET('/v1/tickets'));
      expect(error).not.toBeInstanceOf(ProblemError);
      expect(error).toMatchObject({ name: 'HttpError', status: 502 });

      const cause = new TypeError('fetch failed');
      const refused = async () => Promise.reject(cause);
      const network = await rejection(clientOf({ ...fakeApis(), fetch: refused }).sut.app.GET('/v1/tickets'));
      expect(network).toBeInstanceOf(NetworkError);
      expect((network as NetworkError).cause).toBe(cause);
    });
  });

  describe('If-Match and Idempotency-Key', () => {
    it('sends the ETag last seen for a resource, and throws when none was', async () => {
      let version = 3;
      const fetch = async () => json(200, { version }, { etag: `W/"${version++}"` });
      const { sut } = clientOf({ ...fakeApis(), fetch });
      const id = '5d0e3c1e-0000-4000-8000-000000000001';
      expect(() => sut.ifMatch(`/v1/tickets/${id}`)).toThrow(/No ETag seen/);
      await sut.app.GET('/v1/tickets/{id}', { params: { path: { id } } });
      expect(sut.ifMatch(`/v1/tickets/${id}`)).toEqual({ 'If-Match': 'W/"3"' });
      await sut.app.PATCH('/v1/tickets/{id}', {
        params: { path: { id }, header: sut.ifMatch(`/v1/tickets/${id}`) },
        body: { priority: 'HIGH' },
      });
      expect(sut.ifMatch(`/v1/tickets/${id}`)).toEqual({ 'If-Match': 'W/"4"' });
      await sut.app.POST('/v1/tickets', { body: { subject: 'S', description: 'D', requester: { email: 'a@b.c' } } });
      expect(sut.etags.get(`${APP}/v1/tickets`)).toBeUndefined(); // a POST's ETag is the new resource's
    });

    it('makes a new Idempotency-Key per call, sent unchanged with the retry after a refresh', async () => {
      const apis = fakeApis();
      const [a, b] = [idempotencyKey(), idempotencyKey()];
      expect(a['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
      expect(a['Idempotency-Key']).not.toBe(b['Idempotency-Key']);
      apis.expire();
      const keys: Array<string | null> = [];
      const spy = async (request: Request) => {
        keys.push(request.headers.get('idempotency-key'));
        return apis.fetch(request);
      };
      const { sut } = clientOf({ ...apis, fetch: spy });
      await sut.app.POST('/v1/tickets', {
        params: { header: a },
        body: { subject: 'S', description: 'D', requester: { email: 'a@b.c' } },
      });
      expect(keys).toEqual([a['Idempotency-Key'], null, a['Idempotency-Key']]);
    });
  });
});
