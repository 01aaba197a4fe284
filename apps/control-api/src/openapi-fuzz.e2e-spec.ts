// Property-based fuzz of every operation control-api documents (its OpenAPI document, built from
// the running app, so a new route is fuzzed without editing this file). FUZZ_SEED and FUZZ_RUNS
// override the fixed seed and the cases per operation.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MailChannelStatus, MembershipRole, SecretBox, type Tenant } from '@helpdeskly/database';
import { buildOpenApiDocument } from '@helpdeskly/http';
import { QUEUES } from '@helpdeskly/queues';
import {
  expectFuzzPassed,
  type FuzzIdentity,
  fuzzOpenApi,
  fuzzSettings,
  type OpenApiDocument,
  operationsOf,
} from '@helpdeskly/testing';
import { CONTROL_API } from './control-api';
import { ControlFixture, type FixtureMember } from './testing/control-fixture';
import { TenantsService } from '@helpdeskly/tenants';

/**
 * Operations whose success changes what every other test file shares (the registry of database
 * servers is an upsert by name): fuzzed with the admin's token, but each body carries an unknown
 * property, so the validation pipe refuses it before the handler runs.
 */
const PLATFORM_WIDE = new Set(['POST /v1/admin/database-servers']);

describe('control-api under fuzz (from its OpenAPI document)', () => {
  let fx: ControlFixture;
  let tenant: Tenant;
  let victim: Tenant;
  let colleague: FixtureMember;
  let invitationId: string;
  let mailChannelId: string;
  const madeBySignup = new Set<string>();

  before(async () => {
    // Queues of its own: the admin queue routes retry and remove jobs, and POST /v1/admin/tenant-migrations enqueues some.
    fx = await ControlFixture.start({ QUEUE_PREFIX: `helpdeskly-fuzz-${process.pid}` });
    [tenant, victim] = await Promise.all([fx.createTenant(), fx.createTenant()]);
    colleague = await fx.member(tenant, MembershipRole.AGENT);
    const owner = await fx.member(tenant, MembershipRole.OWNER);
    const invitation = await fx.request('POST', '/v1/invitations', {
      token: owner.token,
      body: { email: `invitee-${process.pid}@fixture.test`, role: 'AGENT' },
    });
    expect(invitation.status).toBe(201);
    invitationId = invitation.body.id;
    // A row: POST /v1/mail-channels logs in to an IMAP server first. DISABLED: no fetcher touches it.
    mailChannelId = (
      await fx.db.mailChannel.create({
        data: {
          tenantId: tenant.id,
          status: MailChannelStatus.DISABLED,
          host: 'imap.fixture.test',
          port: 993,
          tls: 'implicit',
          username: `support-${process.pid}@fixture.test`,
          passwordSealed: fx.running.app.get(SecretBox).seal('not-a-real-password'),
        },
      })
    ).id;
  });
  after(async () => {
    if (!fx) return;
    const tenants = fx.running.app.get(TenantsService);
    try {
      for (const id of madeBySignup) await tenants.deleteTenant(id);
    } finally {
      await fx.close();
    }
  });

  /** The error the server logged for a request, to say at once why it failed. */
  it('answers every generated request without a 5xx, every error as problem details, and stays healthy', async () => {
    const document = buildOpenApiDocument(fx.running.app, CONTROL_API, '1') as unknown as OpenApiDocument;
    const operations = operationsOf(document);
    // A document without operations would make the fuzz pass without testing anything.
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.map((o) => o.id)).toEqual(expect.arrayContaining(['POST /v1/auth/signup', 'GET /v1/auth/me']));
    const { seed, runs } = fuzzSettings();

    // Throwaway identities for each operation: logout, password change or 2FA changes of one operation's cases never reach another's.
    const identityFor = async (op: { id: string }): Promise<FuzzIdentity> => {
      const [owner, admin] = await Promise.all([
        fx.member(tenant, MembershipRole.OWNER),
        fx.member(tenant, MembershipRole.AGENT, { isPlatformAdmin: true }),
      ]);
      return {
        tokens: [owner.token, admin.token],
        pathValues: {
          id: [victim.id, invitationId, mailChannelId, '1'],
          userId: [colleague.user.id, owner.user.id],
          queue: Object.values(QUEUES),
        },
        neverValid: PLATFORM_WIDE.has(op.id),
      };
    };
    const report = await fuzzOpenApi({
      baseUrl: fx.running.baseUrl,
      document,
      identityFor,
      seed,
      runs,
      onAnswer: (op, _request, answer) => {
        if (op.id === 'POST /v1/auth/signup' && answer.status === 201)
          madeBySignup.add(JSON.parse(answer.text).tenant.id);
      },
    });
    expectFuzzPassed('control-api', report, { seed, runs }, fx.running.logs);

    // Healthy afterwards: ready, and a normal request of a new member works.
    expect((await fx.request('GET', '/health/ready')).status).toBe(200);
    const fresh = await fx.member(tenant, MembershipRole.AGENT);
    const me = await fx.request('GET', '/v1/auth/me', { token: fresh.token });
    expect(me.status).toBe(200);
    expect(me.body.user?.id ?? me.body.id).toBe(fresh.user.id);
  });
});
