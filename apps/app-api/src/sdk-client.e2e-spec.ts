import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import {
  createHelpdesklyClient,
  type HelpdesklyClient,
  idempotencyKey,
  pages,
  ProblemError,
  type SessionTokens,
  unwrap,
} from '@helpdeskly/sdk';
import { AppFixture, type FixtureMember } from './testing/app-fixture';

/** Access tokens live this long here, so that a test can wait one out. */
const ACCESS_TTL_SECONDS = 2;

// libs/sdk against both real APIs: what the console and integrators do with it.
describe('@helpdeskly/sdk (e2e)', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let sdk: HelpdesklyClient;
  const tokens: Array<SessionTokens | undefined> = [];
  const signedOut: unknown[] = [];
  const tag = `sdk-${Date.now()}`;
  const newTicket = (subject: string) => ({
    subject,
    description: 'Created through the SDK',
    requester: { email: 'sdk-customer@example.com' },
    tags: [tag],
  });

  before(async () => {
    fx = await AppFixture.start({ JWT_EXPIRES_IN: `${ACCESS_TTL_SECONDS}s` });
    owner = await fx.createTenantWithOwner();
    sdk = createHelpdesklyClient({
      controlUrl: fx.control.running.baseUrl,
      appUrl: fx.running.baseUrl,
      onTokens: (t) => tokens.push(t),
      onSignedOut: (reason) => signedOut.push(reason),
    });
  });
  after(() => fx?.close());

  it('signs in with POST /v1/auth/login and calls control-api with the session', async () => {
    const answer = await sdk.signIn({ email: owner.user.email, password: owner.password });
    expect('accessToken' in answer && answer.tenant.id).toBe(owner.tenant.id);
    expect(tokens).toHaveLength(1);
    const me = await unwrap(sdk.control.GET('/v1/auth/me'));
    expect(me).toMatchObject({ user: { id: owner.user.id }, tenantId: owner.tenant.id, role: 'OWNER' });
  });

  it('creates tickets and lists them page by page', async () => {
    const created = [];
    for (const n of [1, 2, 3])
      created.push(await unwrap(sdk.app.POST('/v1/tickets', { body: newTicket(`SDK ticket ${n}`) })));
    const seen: string[][] = [];
    for await (const page of pages((cursor) =>
      unwrap(sdk.app.GET('/v1/tickets', { params: { query: { tag, limit: 2, cursor, sort: 'created' } } })),
    ))
      seen.push(page.items.map((t) => t.id));
    expect(seen).toEqual([[created[0]!.id, created[1]!.id], [created[2]!.id]]);
  });

  it('updates with If-Match from the ETag it read, and throws a ProblemError 412 on a stale one', async () => {
    const ticket = await unwrap(sdk.app.POST('/v1/tickets', { body: newTicket('SDK versions') }));
    const path = `/v1/tickets/${ticket.id}`;
    await sdk.app.GET('/v1/tickets/{id}', { params: { path: { id: ticket.id } } });
    const stale = sdk.ifMatch(path);
    expect(stale).toEqual({ 'If-Match': 'W/"1"' });
    const { data: updated, response } = await sdk.app.PATCH('/v1/tickets/{id}', {
      params: { path: { id: ticket.id }, header: sdk.ifMatch(path) },
      body: { priority: 'HIGH' },
    });
    expect(updated).toMatchObject({ priority: 'HIGH', version: 2 });
    expect(response.headers.get('etag')).toBe('W/"2"');
    expect(sdk.ifMatch(path)).toEqual({ 'If-Match': 'W/"2"' });

    const error = await sdk.app
      .PATCH('/v1/tickets/{id}', { params: { path: { id: ticket.id }, header: stale }, body: { priority: 'LOW' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status: 412, code: 'version_mismatch', problem: { currentVersion: 2 } });
    expect((error as ProblemError).headers.get('etag')).toBe('W/"2"');
  });

  it('replays a create sent again with the same Idempotency-Key', async () => {
    const key = idempotencyKey();
    const body = newTicket('SDK idempotent');
    const first = await sdk.app.POST('/v1/tickets', { params: { header: key }, body });
    const again = await sdk.app.POST('/v1/tickets', { params: { header: key }, body });
    expect(again.data!.id).toBe(first.data!.id);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    const other = await unwrap(sdk.app.POST('/v1/tickets', { params: { header: idempotencyKey() }, body }));
    expect(other.id).not.toBe(first.data!.id);
  });

  it('refreshes an expired access token once for concurrent requests to both APIs, transparently', async () => {
    const before = sdk.session.current!;
    const refreshesBefore = tokens.length;
    await sleep(ACCESS_TTL_SECONDS * 1000 + 1100);
    // The refresh token is single-use: a second refresh with it would revoke the whole session.
    const answers = await Promise.all([
      unwrap(sdk.app.GET('/v1/tickets', { params: { query: { tag } } })),
      unwrap(sdk.app.GET('/v1/helpdesk')),
      unwrap(sdk.control.GET('/v1/auth/me')),
      unwrap(sdk.app.POST('/v1/tickets', { body: newTicket('SDK after expiry') })),
    ]);
    expect(answers[0].items.length).toBeGreaterThanOrEqual(6);
    expect(tokens.length - refreshesBefore).toBe(1);
    expect(sdk.session.current!.accessToken).not.toBe(before.accessToken);
    expect(sdk.session.current!.refreshToken).not.toBe(before.refreshToken);
    expect(signedOut).toEqual([]);
    // The session still refreshes afterwards (nothing was revoked).
    await unwrap(sdk.control.GET('/v1/auth/me'));
  });

  it('signs the user out when the refresh token is refused', async () => {
    const spent = sdk.session.current!;
    await sdk.signOut(); // the session ends server-side too
    expect(tokens.at(-1)).toBeUndefined();
    sdk.session.set(spent);
    await sleep(ACCESS_TTL_SECONDS * 1000 + 1100);
    const error = await sdk.app.GET('/v1/helpdesk').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'token_expired' });
    expect((error as ProblemError).cause).toBeInstanceOf(ProblemError);
    expect(signedOut).toHaveLength(1);
    expect(sdk.session.current).toBeUndefined();
  });
});
