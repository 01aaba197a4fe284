// Property-based fuzz of every operation app-api documents (its OpenAPI document, built from the
// running app, so a new route is fuzzed without editing this file). FUZZ_SEED and FUZZ_RUNS
// override the fixed seed and the cases per operation.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MembershipRole } from '@helpdeskly/database';
import { buildOpenApiDocument } from '@helpdeskly/http';
import {
  expectFuzzPassed,
  type FuzzIdentity,
  fuzzOpenApi,
  fuzzSettings,
  type OpenApiDocument,
  operationsOf,
} from '@helpdeskly/testing';
import { APP_API } from './app-api';
import { type AppFixture, type FixtureMember, startAppApi } from './testing/app-fixture';

describe('app-api under fuzz (from its OpenAPI document)', () => {
  let fx: AppFixture;
  let owner: FixtureMember;
  let pathValues: Record<string, string[]>;

  before(async () => {
    fx = await startAppApi();
    owner = await fx.createTenantWithOwner();
    // Rows for the path parameters, so cases reach the handlers and not only a 404.
    const ticket = await fx.request('POST', '/v1/tickets', {
      token: owner.token,
      body: {
        subject: 'Fuzz',
        description: 'Seed row',
        requester: { email: 'fuzz@example.com', name: 'Fuzz' },
        tags: ['billing'],
      },
    });
    expect(ticket.status).toBe(201);
    const comment = await fx.request('POST', `/v1/tickets/${ticket.body.id}/comments`, {
      token: owner.token,
      body: { body: 'Seed comment' },
    });
    pathValues = {
      id: [ticket.body.id, ticket.body.requesterId, ...(comment.status === 201 ? [comment.body.id] : [])],
      number: [String(ticket.body.number)],
      tag: ['billing'],
      name: ['billing'],
    };
  });
  after(() => fx?.close());

  /** The error the server logged for a request, to say at once why it failed. */
  it('answers every generated request without a 5xx, every error as problem details, and stays healthy', async () => {
    const document = buildOpenApiDocument(fx.app, APP_API, '1') as unknown as OpenApiDocument;
    const operations = operationsOf(document);
    // A document without operations would make the fuzz pass without testing anything.
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.map((o) => o.id)).toEqual(expect.arrayContaining(['POST /v1/tickets', 'GET /v1/tickets']));
    const { seed, runs } = fuzzSettings();

    // A throwaway member per operation (OWNER and AGENT), of the one tenant whose rows the fuzz may change.
    const identityFor = async (): Promise<FuzzIdentity> => {
      const [admin, agent] = await Promise.all([
        fx.addMember(owner.tenant, MembershipRole.OWNER),
        fx.addMember(owner.tenant, MembershipRole.AGENT),
      ]);
      return { tokens: [admin.token, agent.token], pathValues };
    };
    const report = await fuzzOpenApi({ baseUrl: fx.running.baseUrl, document, identityFor, seed, runs });
    expectFuzzPassed('app-api', report, { seed, runs }, fx.running.logs);

    // Healthy afterwards: ready, and a normal request of a new member works.
    expect((await fx.request('GET', '/health/ready')).status).toBe(200);
    const fresh = await fx.addMember(owner.tenant, MembershipRole.AGENT);
    const list = await fx.request('GET', '/v1/tickets', { token: fresh.token });
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body.items)).toBe(true);
  });
});
