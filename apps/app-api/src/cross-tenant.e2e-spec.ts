// The cross-tenant matrix: every operation of both OpenAPI documents that takes a path parameter,
// sent with tenant B's token on tenant A's ids, must answer exactly as for ids that exist nowhere,
// and leave A as it was. The operations come from the running apps' documents, so a new route is
// in the matrix without editing this file, and fails it until this file knows an id for it.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { MailChannelStatus, MembershipRole, SecretBox } from '@helpdeskly/database';
import { buildOpenApiDocument } from '@helpdeskly/http';
import { jobId } from '@helpdeskly/queues';
import {
  answersDiffer,
  type CrossTenantReport,
  crossTenantMatrix,
  idOperationsOf,
  type OpenApiDocument,
  type ParameterValue,
  pathParameterKeys,
} from '@helpdeskly/testing';
import { CONTROL_API } from '../../control-api/src/testing/control-fixture';
import { APP_API } from './app-api';
import { ObjectStorage } from '@helpdeskly/storage';
import { AttachmentsService } from './attachments/attachments.service';
import { InboundEmailRepository } from './inbound-email/inbound-email.repository';
import { type AppFixture, type FixtureMember, type HttpResult, startAppApi } from './testing/app-fixture';

const FIXTURE_FILE = 'apps/app-api/src/cross-tenant.e2e-spec.ts';
const ROOT = join(__dirname, '..', '..', '..');

/**
 * A well-formed body per request schema of an id-taking operation (the matrix checks each reaches
 * the lookup: an answer of 400 fails it). A new schema fails the test until it is added here.
 */
/** An upload of tenant B: one small file, as a browser's form sends it. */
const upload = new FormData();
upload.append('file', new Blob(['from tenant B']), 'b.txt');

const BODIES: Record<string, unknown> = {
  'multipart/form-data': upload,
  CreateCommentDto: { body: 'Written by tenant B', visibility: 'PUBLIC' },
  AddTagsDto: { tags: ['from-tenant-b'] },
  RenameTagDto: { name: 'renamed-by-tenant-b' },
  UpdateContactDto: { name: 'Renamed by tenant B', phone: null },
  UpdateTicketDto: { subject: 'Changed by tenant B', priority: 'URGENT', status: 'SOLVED' },
  ChangeRoleDto: { role: 'OWNER' },
  UpdateTenantLimitsDto: { plan: 'enterprise', rateLimits: null },
  // Pausing needs no IMAP server: B's request reaches the lookup of A's channel.
  UpdateMailChannelDto: { active: true },
};

const absentTag = () => `absent-${randomBytes(4).toString('hex')}`;
const suffix = randomBytes(4).toString('hex');

/** The id-taking operations of a committed document (openapi/<api>.json). */
const committedIdOperations = (api: string) =>
  idOperationsOf(JSON.parse(readFileSync(join(ROOT, 'openapi', `${api}.json`), 'utf8')) as OpenApiDocument).length;

describe('cross-tenant matrix (every id-taking operation of both OpenAPI documents)', () => {
  let fx: AppFixture;
  let a: FixtureMember;
  let aAgent: FixtureMember;
  let platformAdmin: FixtureMember;
  let b: FixtureMember;
  const ids = {} as {
    contact: string;
    requesterContact: string;
    ticket: string;
    ticketVersion: number;
    second: { id: string; number: number };
    trashed: string;
    comments: string[];
    attachment: string;
    upload: string;
    inboundEmail: string;
    invitation: string;
    mailChannel: string;
    emailAlias: string;
    tags: [string, string];
    bTicket: { id: string; version: number };
    idempotent: { key: string; body: unknown; ticketId: string };
  };

  const app = (method: string, path: string, token: string, body?: unknown, headers?: Record<string, string>) =>
    fx.request(method, path, { token, body, headers });
  const control = (method: string, path: string, token: string, body?: unknown) =>
    fx.control.request(method, path, { token, body });
  const created = async (what: string, result: Promise<HttpResult>, status = 201) => {
    const res = await result;
    if (res.status !== status) throw new Error(`seeding ${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const createdTicket = async (what: string, token: string, body: object, headers?: Record<string, string>) =>
    (await created(what, app('POST', '/v1/tickets', token, body, headers))).body;

  before(async () => {
    // Queues of its own: a real job of tenant A is looked up by id, and none of another file's.
    // INBOUND_DOMAIN: tenant A has an email alias (no inbound SMTP server: no INBOUND_SMTP_PORT).
    fx = await startAppApi({
      QUEUE_PREFIX: `helpdeskly-cross-tenant-${process.pid}`,
      INBOUND_DOMAIN: 'cross-tenant.test',
    });
    [a, b] = await Promise.all([fx.createTenantWithOwner(), fx.createTenantWithOwner()]);
    [aAgent, platformAdmin] = await Promise.all([
      fx.addMember(a.tenant, MembershipRole.AGENT),
      fx.control.member(a.tenant, MembershipRole.AGENT, { isPlatformAdmin: true }),
    ]);

    // Tenant A, through its own API: contacts, tickets with tags and comments, one in the trash, an invitation.
    ids.tags = [`billing-${suffix}`, `vip-${suffix}`];
    ids.contact = (
      await created(
        'contact',
        app('POST', '/v1/contacts', a.token, {
          name: 'Ada Lovelace',
          email: `ada-${suffix}@example.com`,
          phone: '+44 20 7946 0000',
          organization: 'Analytical Engines',
        }),
      )
    ).body.id;
    const ticket = await createdTicket('ticket', a.token, {
      subject: 'Invoice missing',
      description: 'No invoice for March.',
      requesterId: ids.contact,
      priority: 'HIGH',
      tags: ids.tags,
    });
    ids.comments = [];
    for (const comment of [
      { body: 'We are looking into it.' },
      { body: 'Finance owns this one.', visibility: 'INTERNAL' },
      { body: 'Still nothing.', asRequester: true },
    ]) {
      ids.comments.push(
        (await created('comment', app('POST', `/v1/tickets/${ticket.id}/comments`, a.token, comment))).body.id,
      );
    }
    const current = await created('ticket read', app('GET', `/v1/tickets/${ticket.id}`, a.token), 200);
    const assigned = await created(
      'assignment',
      app(
        'PATCH',
        `/v1/tickets/${ticket.id}`,
        a.token,
        { assigneeId: aAgent.user.id },
        { 'if-match': current.headers.get('etag')! },
      ),
      200,
    );
    ids.ticket = ticket.id;
    ids.ticketVersion = assigned.body.version;
    // A file of the ticket, kept as one that came by email is (no route uploads one yet).
    await fx.asTenant(a, () =>
      fx.app
        .get(AttachmentsService)
        .keepFromEmail({ tenantId: a.tenant.id, ticketId: ticket.id, commentId: null, inboundEmailId: null }, [
          {
            filename: 'invoice.txt',
            declaredType: 'text/plain',
            size: 7,
            contentId: null,
            inline: false,
            content: Buffer.from('invoice'),
          },
        ]),
    );
    // A message tenant A received, with its raw copy, as the inbound server records one.
    ids.inboundEmail = await fx.asTenant(a, async () => {
      const records = fx.app.get(InboundEmailRepository);
      const rawKey = `tenants/${a.tenant.id}/inbound/${randomUUID()}.eml`;
      await fx.app.get(ObjectStorage).put(rawKey, Buffer.from('Subject: hi\r\n\r\nhello\r\n'));
      const { claimed } = await records.claim({
        messageId: `<cross-${suffix}@example.com>`,
        fromAddress: 'ada@example.com',
        recipient: `${a.tenant.slug}@inbound.test`,
        subject: 'hi',
        rawKey,
      });
      await records.complete(claimed!.id, { outcome: 'TICKET_CREATED', ticketId: ticket.id });
      return claimed!.id;
    });
    ids.attachment = (
      await created('attachments', app('GET', `/v1/tickets/${ticket.id}/attachments`, a.token), 200)
    ).body.items[0].id;
    // A pending upload of tenant A's owner (POST /v1/uploads), which GET /v1/uploads shows to them.
    const aUpload = new FormData();
    aUpload.append('file', new Blob(['from tenant A']), 'a.txt');
    const uploaded = await fetch(`${fx.running.baseUrl}/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}` },
      body: aUpload,
    });
    if (uploaded.status !== 201) throw new Error(`seeding upload: ${uploaded.status} ${await uploaded.text()}`);
    ids.upload = ((await uploaded.json()) as { items: Array<{ id: string }> }).items[0].id;
    const second = await createdTicket('ticket', aAgent.token, {
      subject: 'Printer on fire',
      description: 'Third floor.',
      requester: { email: `grace-${suffix}@example.com`, name: 'Grace Hopper' },
    });
    ids.second = { id: second.id, number: second.number };
    ids.requesterContact = second.requesterId;
    const doomed = await createdTicket('ticket', a.token, {
      subject: 'Spam',
      description: 'Buy now.',
      requester: { email: `spam-${suffix}@example.com` },
      tags: [ids.tags[1]],
    });
    await created('trash', app('DELETE', `/v1/tickets/${doomed.id}`, a.token), 204);
    ids.trashed = doomed.id;
    const idempotent = {
      key: `order-${suffix}`,
      body: { subject: 'Retried', description: 'Sent twice.', requester: { email: `retry-${suffix}@example.com` } },
    };
    ids.idempotent = {
      ...idempotent,
      ticketId: (
        await createdTicket('idempotent ticket', a.token, idempotent.body, { 'idempotency-key': idempotent.key })
      ).id,
    };
    ids.invitation = (
      await created(
        'invitation',
        control('POST', '/v1/invitations', a.token, { email: `invitee-${suffix}@example.com`, role: 'AGENT' }),
      )
    ).body.id;
    ids.emailAlias = (
      await created('email alias', control('POST', '/v1/email-aliases', a.token, { name: `billing-${suffix}` }))
    ).body.id;
    // A row, not POST /v1/mail-channels: that logs in to the IMAP server first. DISABLED: the fetcher
    // of a spec running beside this one leaves it alone, so its status stays what A's snapshot says.
    ids.mailChannel = (
      await fx.control.db.mailChannel.create({
        data: {
          tenantId: a.tenant.id,
          status: MailChannelStatus.DISABLED,
          host: 'imap.example.test',
          port: 993,
          tls: 'implicit',
          username: `support-${suffix}@example.test`,
          passwordSealed: fx.control.running.app.get(SecretBox).seal('not-a-real-password'),
        },
      })
    ).id;

    // Tenant B has a ticket and a tag of its own: its database is not empty, and its ticket numbers start at 1 too.
    const bTicket = await createdTicket('ticket of B', b.token, {
      subject: 'B ticket',
      description: 'Of tenant B.',
      requester: { email: `b-${suffix}@example.com` },
      tags: [`b-only-${suffix}`],
    });
    ids.bTicket = { id: bTicket.id, version: bTicket.version };
    if (ids.second.number <= bTicket.number)
      throw new Error("tenant A's ticket number must be one tenant B does not have");
  });
  after(() => fx?.close());

  /** Tenant A as its own members (and the platform) see it; volatile fields of jobs left out. */
  const snapshotOfA = async (): Promise<Record<string, unknown>> => {
    const reads: Record<string, HttpResult> = {};
    const read = async (name: string, result: Promise<HttpResult>) => (reads[name] = await result);
    const tickets = await read('tickets', app('GET', '/v1/tickets?limit=100', a.token));
    for (const t of tickets.body.items ?? []) {
      await read(`ticket ${t.id}`, app('GET', `/v1/tickets/${t.id}?include=comments`, a.token));
      await read(`ticket ${t.id} events`, app('GET', `/v1/tickets/${t.id}/events`, a.token));
      await read(`ticket ${t.id} comments`, app('GET', `/v1/tickets/${t.id}/comments`, a.token));
      await read(`ticket #${t.number}`, app('GET', `/v1/tickets/number/${t.number}`, a.token));
      const files = await read(`ticket ${t.id} attachments`, app('GET', `/v1/tickets/${t.id}/attachments`, a.token));
      for (const f of files.body.items ?? [])
        await read(`attachment ${f.id}`, app('GET', `/v1/attachments/${f.id}`, a.token));
    }
    const contacts = await read('contacts', app('GET', '/v1/contacts?limit=100', a.token));
    for (const c of contacts.body.items ?? []) {
      await read(`contact ${c.id}`, app('GET', `/v1/contacts/${c.id}`, a.token));
      await read(`contact ${c.id} tickets`, app('GET', `/v1/contacts/${c.id}/tickets`, a.token));
    }
    await read('tags', app('GET', '/v1/tags', a.token));
    await read('uploads', app('GET', '/v1/uploads', a.token));
    await read('inbound emails', app('GET', '/v1/inbound-emails?limit=100', a.token));
    await read('trash', app('GET', '/v1/trash', a.token));
    await read('counts', app('GET', '/v1/tickets/counts', a.token));
    await read('sla', app('GET', '/v1/settings/sla', a.token));
    await read('members', control('GET', '/v1/members', a.token));
    await read('invitations', control('GET', '/v1/invitations', a.token));
    await read('mail channels', control('GET', '/v1/mail-channels', a.token));
    await read('email aliases', control('GET', '/v1/email-aliases', a.token));
    await read('audit log', control('GET', '/v1/audit-logs?limit=100', a.token));
    await read('tenant', control('GET', `/v1/admin/tenants/${a.tenant.id}`, platformAdmin.token));
    const job = await read(
      'job',
      control('GET', `/v1/admin/queues/provisioning/jobs/${jobId('provision', a.tenant.id)}`, platformAdmin.token),
    );
    const refused = Object.entries(reads).filter(([, r]) => r.status !== 200);
    if (refused.length > 0)
      throw new Error(
        `reading tenant A: ${refused.map(([name, r]) => `${name} ${r.status} ${JSON.stringify(r.body)}`).join('; ')}`,
      );
    const { id, name, queue, data } = job.body;
    return {
      ...Object.fromEntries(Object.entries(reads).map(([k, r]) => [k, r.body])),
      job: { id, name, queue, data },
    };
  };

  it("answers tenant B on tenant A's ids exactly as on ids that exist nowhere, and leaves A unchanged", async () => {
    const uuid = (real: string): ParameterValue => ({ real, absent: randomUUID() });
    const appValues: Record<string, ParameterValue> = {
      'tickets/{id}': uuid(ids.ticket),
      'tags/{tag}': { real: ids.tags[0], absent: absentTag() },
      'tags/{name}': { real: ids.tags[0], absent: absentTag() },
      'number/{number}': { real: String(ids.second.number), absent: '2147483000' },
      'contacts/{id}': uuid(ids.contact),
      'trash/{id}': uuid(ids.trashed),
      'attachments/{id}': uuid(ids.attachment),
      'uploads/{id}': uuid(ids.upload),
      'inbound-emails/{id}': uuid(ids.inboundEmail),
    };
    const controlValues: Record<string, ParameterValue> = {
      'members/{userId}': uuid(aAgent.user.id),
      'invitations/{id}': uuid(ids.invitation),
      'mail-channels/{id}': uuid(ids.mailChannel),
      'email-aliases/{id}': uuid(ids.emailAlias),
      'tenants/{id}': uuid(a.tenant.id),
      // Not an id: it names the queue, the same for both requests; the job id is the tenant's.
      'queues/{queue}': { real: 'provisioning', absent: 'provisioning' },
      'jobs/{id}': { real: jobId('provision', a.tenant.id), absent: jobId('provision', randomUUID()) },
    };
    const appDocument = buildOpenApiDocument(fx.app, APP_API, '1') as unknown as OpenApiDocument;
    const controlDocument = buildOpenApiDocument(
      fx.control.running.app,
      CONTROL_API,
      '1',
    ) as unknown as OpenApiDocument;

    const before = await snapshotOfA();
    // Each value of tenant A is one A really has: it shows in what A's members (or the platform) read.
    const seen = JSON.stringify(before);
    for (const [key, value] of Object.entries({ ...appValues, ...controlValues }))
      expect({
        key,
        real: value.real,
        inTenantA: seen.includes(`"${value.real}"`) || seen.includes(`"number":${value.real},`),
      }).toEqual({ key, real: value.real, inTenantA: true });
    // Restore takes a ticket in the trash.
    const restore = { 'POST /v1/tickets/{id}/restore': { id: uuid(ids.trashed) } };
    const reports: Record<string, CrossTenantReport> = {
      'app-api': await crossTenantMatrix({
        api: 'app-api',
        baseUrl: fx.running.baseUrl,
        document: appDocument,
        token: b.token,
        values: appValues,
        overrides: restore,
        bodies: BODIES,
        headers: { 'if-match': `W/"${ids.ticketVersion}"` },
        fixtureFile: FIXTURE_FILE,
      }),
      'control-api': await crossTenantMatrix({
        api: 'control-api',
        baseUrl: fx.control.running.baseUrl,
        document: controlDocument,
        token: b.token,
        values: controlValues,
        bodies: BODIES,
        fixtureFile: FIXTURE_FILE,
      }),
    };
    for (const [api, report] of Object.entries(reports)) {
      const reads = report.cases.filter((c) => !c.write).length;
      console.log(
        `cross-tenant ${api}: ${report.cases.length} operations (${reads} reads, ${report.cases.length - reads} writes): ${report.cases.map((c) => `${c.operation} ${c.real.status} ${c.real.code ?? ''}`).join('; ')}`,
      );
    }
    const all = Object.values(reports);
    expect(all.flatMap((r) => r.missing)).toEqual([]);
    expect(all.flatMap((r) => r.failures)).toEqual([]);
    // The values are real: every id-taking read of tenant A's answers A itself (the platform's routes, the platform admin).
    for (const [document, values, send] of [
      [appDocument, appValues, app],
      [controlDocument, controlValues, control],
    ] as const) {
      for (const op of idOperationsOf(document).filter((o) => o.method === 'GET')) {
        const path = pathParameterKeys(op.path).reduce(
          (p, { name, key }) => p.replace(`{${name}}`, encodeURIComponent(values[key]?.real ?? 'unknown')),
          op.path,
        );
        const status = (await send('GET', path, op.path.startsWith('/v1/admin/') ? platformAdmin.token : a.token))
          .status;
        expect({ op: op.id, status }).toEqual({ op: op.id, status: 200 });
      }
    }

    // Not vacuous: every id-taking operation of the live documents, and at least as many as the committed ones.
    for (const [api, document] of [
      ['app-api', appDocument],
      ['control-api', controlDocument],
    ] as const) {
      const covered = reports[api].cases.length;
      expect({ api, covered }).toEqual({ api, covered: idOperationsOf(document).length });
      expect(covered).toBeGreaterThanOrEqual(committedIdOperations(api));
    }
    expect(reports['app-api'].cases.length).toBeGreaterThanOrEqual(15);
    expect(reports['control-api'].cases.length).toBeGreaterThanOrEqual(10);

    expect(await snapshotOfA()).toEqual(before);
  });

  it("answers tenant B on tenant A's ids in bodies and queries exactly as on ids that exist nowhere", async () => {
    const absent = {
      contact: randomUUID(),
      user: randomUUID(),
      ticket: randomUUID(),
      comment: randomUUID(),
      upload: randomUUID(),
      slug: `absent-${suffix}`,
    };
    const replacements: Array<[string, string]> = [
      [ids.contact, '{contact}'],
      [absent.contact, '{contact}'],
      [aAgent.user.id, '{user}'],
      [a.user.id, '{user}'],
      [absent.user, '{user}'],
      [ids.ticket, '{ticket}'],
      [absent.ticket, '{ticket}'],
      [ids.comments[0], '{comment}'],
      [absent.comment, '{comment}'],
      [ids.upload, '{upload}'],
      [absent.upload, '{upload}'],
      [a.tenant.slug, '{slug}'],
      [absent.slug, '{slug}'],
    ];
    const bTicket = `/v1/tickets/${ids.bTicket.id}`;
    const ifMatch = { 'if-match': `W/"${ids.bTicket.version}"` };
    const cases: Array<[string, (real: boolean) => Promise<HttpResult>]> = [
      [
        'POST /v1/tickets requesterId',
        (real) =>
          app('POST', '/v1/tickets', b.token, {
            subject: 'x',
            description: 'y',
            requesterId: real ? ids.contact : absent.contact,
          }),
      ],
      [
        'POST /v1/tickets assigneeId',
        (real) =>
          app('POST', '/v1/tickets', b.token, {
            subject: 'x',
            description: 'y',
            requester: { email: `b-${suffix}@example.com` },
            assigneeId: real ? aAgent.user.id : absent.user,
          }),
      ],
      [
        'PATCH /v1/tickets/{B} assigneeId',
        (real) => app('PATCH', bTicket, b.token, { assigneeId: real ? aAgent.user.id : absent.user }, ifMatch),
      ],
      [
        'POST /v1/tickets/bulk ticketIds',
        (real) =>
          app('POST', '/v1/tickets/bulk', b.token, {
            ticketIds: [real ? ids.ticket : absent.ticket],
            changes: { priority: 'LOW' },
          }),
      ],
      [
        'POST /v1/tickets/bulk assigneeId',
        (real) =>
          app('POST', '/v1/tickets/bulk', b.token, {
            ticketIds: [ids.bTicket.id],
            changes: { assigneeId: real ? aAgent.user.id : absent.user },
          }),
      ],
      [
        'POST /v1/tickets attachmentIds',
        (real) =>
          app('POST', '/v1/tickets', b.token, {
            subject: 'x',
            description: 'y',
            requester: { email: `b-${suffix}@example.com` },
            attachmentIds: [real ? ids.upload : absent.upload],
          }),
      ],
      [
        'POST /v1/tickets/{B}/comments attachmentIds',
        (real) =>
          app('POST', `${bTicket}/comments`, b.token, {
            body: 'With a file of A?',
            attachmentIds: [real ? ids.upload : absent.upload],
          }),
      ],
      [
        'GET /v1/tickets?requesterId',
        (real) => app('GET', `/v1/tickets?requesterId=${real ? ids.contact : absent.contact}`, b.token),
      ],
      [
        'GET /v1/inbound-emails?ticketId',
        (real) => app('GET', `/v1/inbound-emails?ticketId=${real ? ids.ticket : absent.ticket}`, b.token),
      ],
      [
        'GET /v1/tickets/{B}/comments?cursor',
        (real) => app('GET', `${bTicket}/comments?cursor=${real ? ids.comments[0] : absent.comment}`, b.token),
      ],
      [
        'GET /v1/audit-logs?actorUserId',
        (real) => control('GET', `/v1/audit-logs?actorUserId=${real ? a.user.id : absent.user}`, b.token),
      ],
      [
        'POST /v1/auth/switch-tenant tenantSlug',
        (real) =>
          control('POST', '/v1/auth/switch-tenant', b.token, { tenantSlug: real ? a.tenant.slug : absent.slug }),
      ],
    ];
    const before = await snapshotOfA();
    const failures: string[] = [];
    const answered: string[] = [];
    for (const [name, send] of cases) {
      const absentAnswer = await send(false);
      const realAnswer = await send(true);
      const differs = answersDiffer(realAnswer, absentAnswer, replacements);
      if (differs) failures.push(`${name}: ${differs}`);
      answered.push(`${name} ${realAnswer.status} ${realAnswer.body?.code ?? ''}`);
      if (absentAnswer.status >= 500 || absentAnswer.status === 400)
        failures.push(
          `${name}: the case is malformed (${absentAnswer.status} ${JSON.stringify(absentAnswer.body).slice(0, 200)})`,
        );
    }
    console.log(`cross-tenant ids in bodies and queries: ${answered.join('; ')}`);
    expect(failures).toEqual([]);
    // Tenant A's Idempotency-Key is no key of B's: B's request creates B's ticket, it replays nothing of A's.
    const replay = await fx.request('POST', '/v1/tickets', {
      token: b.token,
      body: ids.idempotent.body,
      headers: { 'idempotency-key': ids.idempotent.key },
    });
    expect({
      status: replay.status,
      replayed: replay.headers.get('idempotent-replayed'),
      isA: replay.body.id === ids.idempotent.ticketId,
    }).toEqual({ status: 201, replayed: null, isA: false });
    expect(await snapshotOfA()).toEqual(before);
  });
});
