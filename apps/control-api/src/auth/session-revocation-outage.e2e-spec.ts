// The session deny-list while its Redis (REDIS_URL) is unreachable: the database decides the
// check on both APIs, and a revocation that cannot be written says so (503) and can be repeated.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { httpRequest, type RunningTestApp, TcpProxy, testConfig, waitFor } from '@helpdeskly/testing';
import { startAppApiWith } from '../../../app-api/src/testing/app-fixture';
import { AuthE2eFixture } from './testing/auth-e2e.fixture';

describe('session revocation while REDIS_URL is unreachable (e2e)', () => {
  let proxy: TcpProxy;
  let api: AuthE2eFixture;
  let appApi: RunningTestApp;

  before(async () => {
    const redis = new URL(testConfig().redis.url);
    proxy = await new TcpProxy(redis.hostname, Number(redis.port || 6379)).start();
    api = await AuthE2eFixture.start({ REDIS_URL: `redis://127.0.0.1:${proxy.port}${redis.pathname}` });
    appApi = await startAppApiWith(api.app.config);
  });

  after(async () => {
    await appApi?.close();
    await api?.close();
    await proxy?.cut();
  });

  const statuses = async (token: string) => {
    const [control, app] = await Promise.all([
      api.request('GET', '/v1/auth/me', { token }),
      httpRequest(appApi.baseUrl, 'GET', '/v1/tags', { token }),
    ]);
    return { control: control.status, app: app.status };
  };

  it('lets the database decide the check, and answers 503 to a revocation Redis cannot take until it is repeated', async () => {
    const user = await api.signup('outage');
    const second = await api.login(user.email, user.password);
    expect((await api.post('/v1/auth/logout', { refreshToken: user.refreshToken })).status).toBe(204);

    await proxy.cut();
    try {
      // Revoked before the outage: refused from the refresh token rows; the other session works.
      expect(await statuses(user.accessToken)).toEqual({ control: 401, app: 401 });
      expect(await statuses(second.body.accessToken)).toEqual({ control: 200, app: 200 });

      const logout = await api.post('/v1/auth/logout', { refreshToken: second.body.refreshToken });
      expect(logout.status).toBe(503);
      expect(logout.body).toMatchObject({ code: 'revocation_unavailable' });
      expect(logout.headers.get('retry-after')).toBe('5');
      // The refresh side is done; and while Redis is away the database already refuses the access token.
      expect((await api.post('/v1/auth/refresh', { refreshToken: second.body.refreshToken })).status).toBe(401);
      expect(await statuses(second.body.accessToken)).toEqual({ control: 401, app: 401 });
    } finally {
      await proxy.restore();
    }

    // Redis is back but never heard of the second logout: repeating it writes the deny-list entry.
    await waitFor(
      'a repeated logout taken by Redis',
      async () => (await api.post('/v1/auth/logout', { refreshToken: second.body.refreshToken })).status === 204,
      15_000,
      200,
    );
    expect(await statuses(second.body.accessToken)).toEqual({ control: 401, app: 401 });
  });
});
