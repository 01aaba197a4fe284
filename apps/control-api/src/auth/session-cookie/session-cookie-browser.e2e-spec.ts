// The cookie flow as a browser runs it: Debian's Chromium (playwright-core, never a downloaded
// browser) on a page of the allowed origin logs in, cannot read the refresh token, refreshes with
// credentials: 'include' and logs out; as apps/app-api/src/cors.e2e-spec.ts does for CORS.
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import type { Browser } from 'playwright-core';
import { SESSION_TRANSPORT_HEADER } from '@helpdeskly/http';
import { freePort, launchChromium } from '@helpdeskly/testing';
import { AuthE2eFixture } from '../testing/auth-e2e.fixture';
import { REFRESH_COOKIE } from './session-cookie.interceptor';

describe('sessions in a real browser: the refresh cookie (e2e)', () => {
  let api: AuthE2eFixture;
  let browser: Browser;
  let pages: Server;
  let pageOrigin: string;

  before(async () => {
    const port = await freePort();
    pages = createServer((_, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>console</title>'),
    );
    await new Promise<void>((resolve) => pages.listen(port, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${port}`;
    api = await AuthE2eFixture.start({ CORS_ORIGINS: pageOrigin });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await api?.close();
    pages?.close();
  });

  it('logs in, keeps the token out of document.cookie and the body, refreshes and logs out with credentials', async () => {
    const user = await api.signup('ck-browser');
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${pageOrigin}/`);
      const run = await page.evaluate(
        async ({ base, header, email, password }) => {
          const init = (body?: unknown): RequestInit => ({
            method: 'POST',
            credentials: 'include',
            headers: { [header]: 'cookie', ...(body ? { 'content-type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : undefined,
          });
          const login = await fetch(`${base}/v1/auth/login`, init({ email, password }));
          const loginBody = (await login.json()) as Record<string, unknown>;
          // The page's view of its cookies (the tsconfig has no DOM types: this runs in Chromium).
          const cookieAfterLogin = (globalThis as unknown as { document: { cookie: string } }).document.cookie;
          const refresh = await fetch(`${base}/v1/auth/refresh`, init());
          const refreshBody = (await refresh.json()) as Record<string, unknown>;
          const me = await fetch(`${base}/v1/auth/me`, {
            headers: { authorization: `Bearer ${String(refreshBody.accessToken)}` },
          });
          const logout = await fetch(`${base}/v1/auth/logout`, init());
          const afterLogout = await fetch(`${base}/v1/auth/refresh`, init());
          return {
            login: login.status,
            loginKeys: Object.keys(loginBody),
            cookieAfterLogin,
            refresh: refresh.status,
            refreshKeys: Object.keys(refreshBody),
            rotated: refreshBody.accessToken !== loginBody.accessToken,
            me: me.status,
            logout: logout.status,
            afterLogout: afterLogout.status,
          };
        },
        { base: api.app.baseUrl, header: SESSION_TRANSPORT_HEADER, email: user.email, password: user.password },
      );
      expect(run).toMatchObject({
        login: 200,
        cookieAfterLogin: '',
        refresh: 200,
        rotated: true,
        me: 200,
        logout: 204,
        afterLogout: 401,
      });
      expect(run.loginKeys).toContain('accessToken');
      expect(run.loginKeys).not.toContain('refreshToken');
      expect(run.refreshKeys).not.toContain('refreshToken');
      // The logout cleared it from the browser's jar.
      expect((await context.cookies(api.app.baseUrl)).map((c) => c.name)).not.toContain(REFRESH_COOKIE);
    } finally {
      await context.close();
    }
  });
});
