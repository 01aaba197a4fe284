// CORS as a browser enforces it: Debian's Chromium (driven by playwright-core, never a downloaded
// browser) loads a page from an allowed origin that creates a ticket and PATCHes it with If-Match
// read from the ETag, and a page from another origin whose requests the browser refuses.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import type { Browser } from 'playwright-core';
import { freePort, launchChromium } from '@helpdeskly/testing';
import { type AppFixture, type FixtureMember, startAppApi } from './testing/app-fixture';

/** A page server: `/` answers an empty HTML page, so the page's origin is this server's. */
async function pageServer(port: number): Promise<Server> {
  const server = createServer((_, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>console</title>'),
  );
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

interface BrowserRun {
  readonly created?: {
    status: number;
    etag: string | null;
    requestId: string | null;
    replayed: string | null;
    id: string;
  };
  readonly patched?: { status: number; etag: string | null; priority: string };
  readonly deleted?: number;
  readonly error?: string;
}

describe('CORS in a real browser', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let browser: Browser;
  let allowed: Server;
  let other: Server;
  let apiOrigin: string;

  before(async () => {
    const [allowedPort, otherPort] = [await freePort(), await freePort()];
    allowed = await pageServer(allowedPort);
    other = await pageServer(otherPort);
    fx = await startAppApi({ CORS_ORIGINS: `http://127.0.0.1:${allowedPort}` });
    owner = await fx.createTenantWithOwner();
    apiOrigin = new URL(fx.running.baseUrl).origin;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await fx?.close();
    allowed?.close();
    other?.close();
  });

  /** Runs the console's calls from a page of `origin`: create, PATCH with If-Match, DELETE. */
  async function runFrom(server: Server): Promise<BrowserRun> {
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      return await page.evaluate(
        async ({ api, token, key }) => {
          const auth = { authorization: `Bearer ${token}` };
          try {
            const createTicket = () =>
              fetch(`${api}/v1/tickets`, {
                method: 'POST',
                headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key },
                body: JSON.stringify({
                  subject: 'Sent from the browser',
                  description: 'CORS',
                  requester: { email: 'browser@example.com' },
                }),
              });
            const createdRes = await createTicket();
            const ticket = (await createdRes.json()) as { id: string };
            // The same request again: the replay says so in a header the page must be able to read.
            const replayRes = await createTicket();
            const created = {
              status: createdRes.status,
              etag: createdRes.headers.get('etag'),
              requestId: createdRes.headers.get('x-request-id'),
              replayed: replayRes.headers.get('idempotent-replayed'),
              id: ticket.id,
            };
            const patchedRes = await fetch(`${api}/v1/tickets/${ticket.id}`, {
              method: 'PATCH',
              headers: { ...auth, 'content-type': 'application/json', 'if-match': created.etag ?? '' },
              body: JSON.stringify({ priority: 'HIGH' }),
            });
            const patched = {
              status: patchedRes.status,
              etag: patchedRes.headers.get('etag'),
              priority: ((await patchedRes.json()) as { priority: string }).priority,
            };
            const deleted = (await fetch(`${api}/v1/tickets/${ticket.id}`, { method: 'DELETE', headers: auth })).status;
            return { created, patched, deleted };
          } catch (error) {
            return { error: String(error) };
          }
        },
        { api: apiOrigin, token: owner.token, key: randomUUID() },
      );
    } finally {
      await page.close();
    }
  }

  it('lets a page of an allowed origin POST, PATCH with If-Match read from the ETag, and DELETE', async () => {
    const run = await runFrom(allowed);
    expect(run.error).toBeUndefined();
    expect(run.created).toMatchObject({ status: 201, etag: 'W/"1"', replayed: 'true' });
    expect(run.created?.requestId).toEqual(expect.any(String));
    expect(run.patched).toEqual({ status: 200, etag: 'W/"2"', priority: 'HIGH' });
    expect(run.deleted).toBe(204);
  });

  it('refuses a page of any other origin: the browser never hands it an answer', async () => {
    const before = await fx.request('GET', '/v1/tickets?limit=100', { token: owner.token });
    const run = await runFrom(other);
    expect(run.error).toMatch(/Failed to fetch/);
    expect(run.created).toBeUndefined();
    // A simple request may still reach the server (CORS hides the answer, it does not stop the
    // request); this POST is not simple (JSON, Authorization), so the preflight stopped it.
    const afterward = await fx.request('GET', '/v1/tickets?limit=100', { token: owner.token });
    expect(afterward.body.items.length).toBe(before.body.items.length);
  });

  it('answers a preflight with every method and the headers a client sends', async () => {
    const res = await fetch(`${apiOrigin}/v1/tickets/${randomUUID()}`, {
      method: 'OPTIONS',
      headers: {
        origin: `http://127.0.0.1:${(allowed.address() as AddressInfo).port}`,
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization,content-type,if-match,idempotency-key',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')?.split(/,\s*/)).toEqual(
      expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    );
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'if-match', 'idempotency-key']),
    );
    const exposed = (
      await fetch(`${apiOrigin}/health`, {
        headers: { origin: `http://127.0.0.1:${(allowed.address() as AddressInfo).port}` },
      })
    ).headers.get('access-control-expose-headers');
    expect(exposed?.split(/,\s*/)).toEqual(
      expect.arrayContaining(['etag', 'location', 'idempotent-replayed', 'ratelimit', 'retry-after']),
    );
  });
});
