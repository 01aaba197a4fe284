// The reproductions of issue 13: text PostgreSQL cannot store used to reach it and end as a 500
// (SQLSTATE 22021). Both APIs now refuse it with 400 invalid_text before any handler runs.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { sqltag as sql } from '@prisma/client/runtime/client';
import { toProblem } from '@helpdeskly/errors';
import { type AppFixture, type FixtureMember, type HttpResult, startAppApi } from './testing/app-fixture';

const expectInvalidText = (res: HttpResult, field: string) => {
  expect({ status: res.status, type: res.headers.get('content-type')?.split(';')[0], code: res.body?.code }).toEqual({
    status: 400,
    type: 'application/problem+json',
    code: 'invalid_text',
  });
  expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
};

describe('Text PostgreSQL cannot store (e2e)', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  const ticket = (extra: object) => ({
    subject: 'Fine',
    description: 'It broke.',
    requester: { email: 'customer@example.com' },
    ...extra,
  });

  before(async () => {
    fx = await startAppApi();
    owner = await fx.createTenantWithOwner();
  });
  after(() => fx?.close());

  it('POST /v1/tickets with a NUL in the subject, a nested field or a tag', async () => {
    expectInvalidText(
      await fx.request('POST', '/v1/tickets', { token: owner.token, body: ticket({ subject: 'a\u0000b' }) }),
      'body.subject',
    );
    expectInvalidText(
      await fx.request('POST', '/v1/tickets', {
        token: owner.token,
        body: ticket({ requester: { email: 'c@example.com', name: 'x\u0000' } }),
      }),
      'body.requester.name',
    );
    expectInvalidText(
      await fx.request('POST', '/v1/tickets', { token: owner.token, body: ticket({ tags: ['ok', 'b\u0000'] }) }),
      'body.tags.1',
    );
    // The same request without the NUL works: only the character was refused.
    expect(
      (await fx.request('POST', '/v1/tickets', { token: owner.token, body: ticket({ subject: 'ab' }) })).status,
    ).toBe(201);
  });

  it('GET /v1/tickets?q=%00 and ?tag=%00', async () => {
    expectInvalidText(await fx.request('GET', '/v1/tickets?q=%00', { token: owner.token }), 'query.q');
    expectInvalidText(await fx.request('GET', '/v1/tickets?tag=%00', { token: owner.token }), 'query.tag');
    expectInvalidText(await fx.request('GET', '/v1/tickets/%00', { token: owner.token }), 'params.id');
  });

  it('sign-up with a NUL in the name, login with a lone surrogate in the email', async () => {
    const signup = {
      email: `nul-${Date.now()}@example.com`,
      password: 'Unusual-Pass-123456!',
      name: 'a\u0000',
      tenantName: 'Nul',
      tenantSlug: `nul-${Date.now()}`,
    };
    expectInvalidText(await fx.control.request('POST', '/v1/auth/signup', { body: signup }), 'body.name');
    expectInvalidText(
      await fx.control.request('POST', '/v1/auth/login', {
        body: { email: '\ud800@example.com', password: 'whatever-password' },
      }),
      'body.email',
    );
  });

  it('maps the error of the real database, were such text to slip through, to 400 without the driver message', async () => {
    const error = await fx
      .asTenant(owner, (db) => db.client().$queryRaw(sql`SELECT ${'a\u0000b'}::text AS t`))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeDefined();
    const mapped = toProblem(error, 'req-1');
    expect(mapped.body).toMatchObject({ status: 400, code: 'invalid_text' });
    expect(JSON.stringify(mapped.body)).not.toMatch(/UTF8|0x00|byte sequence/);
    const pooled = await fx
      .asTenant(owner, (db) => db.query(sql`SELECT ${'a\u0000b'}::text AS t`, 'test'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(toProblem(pooled, 'req-2').body).toMatchObject({ status: 400, code: 'invalid_text' });
  });
});
