// Faults under a running mixed load (issue 13): Redis, PgBouncer and PostgreSQL of the test's own
// (PrivateStack) each stopped for a few seconds and started again while several tenants read,
// write and log in, with the email worker sending their acknowledgements. The bar: no 5xx but a
// 503 with Retry-After, no request waiting past the configured timeouts, recovery on its own, and
// afterwards no ticket half-written, lost or doubled, and one email per ticket, never two.
import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { INestApplicationContext } from '@nestjs/common';
import { expect } from 'expect';
import { Client } from 'pg';
import { MailCatcher } from '@helpdeskly/mail';
import { type HttpResult, waitFor } from '@helpdeskly/testing';
import { startEmailWorker } from '../../../libs/mail/src/testing/email-worker';
import { uniqueSuffix } from '../../control-api/src/testing/control-fixture';
import type { TenantWithOwner } from './testing/app-fixture';
import { PrivateStack } from './testing/private-stack';

const TENANTS = 3;
const CLIENTS = 4;
const OUTAGE_MS = 6_000;
/** The longest a request may wait during an outage: the 5 s connect and query-wait timeouts, with room for a noisy machine. */
const MAX_WAIT_MS = 9_000;
/** The only codes a 503 may carry while a dependency is down. */
const OUTAGE_CODES = ['service_unavailable', 'database_busy', 'revocation_unavailable'];

interface Answer {
  readonly phase: string;
  readonly op: string;
  readonly status: number;
  readonly code?: string;
  readonly ms: number;
  readonly contentType: string | null;
  readonly retryAfter: string | null;
}

/** A ticket the load asked for: its Idempotency-Key, and its id once an answer said 201 (or replayed one). */
interface Requested {
  readonly owner: TenantWithOwner;
  readonly key: string;
  readonly body: { subject: string; description: string; requester: { email: string } };
  id?: string;
}

describe('dependency faults under a mixed load: Redis, PgBouncer and PostgreSQL stopped and started', () => {
  let stack: PrivateStack;
  let catcher: MailCatcher;
  let worker: INestApplicationContext;
  let dir: string;
  const owners: TenantWithOwner[] = [];
  const answers: Answer[] = [];
  const requested: Requested[] = [];
  let phase = 'warm-up';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'helpdeskly-faults-'));
    catcher = await MailCatcher.start({ dir, httpPort: null });
    stack = await PrivateStack.start({
      durable: true,
      env: {
        QUEUE_PREFIX: `hd-faults-${uniqueSuffix()}`,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(catcher.smtpPort),
        TENANT_CLIENT_POOL_SIZE: '2',
      },
    });
    worker = await startEmailWorker(stack.env);
    for (let i = 0; i < TENANTS; i++) owners.push(await stack.fx.createTenantWithOwner());
  });

  after(async () => {
    await worker?.close();
    await stack?.close();
    await catcher?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function timed(op: string, call: () => Promise<HttpResult>): Promise<HttpResult> {
    const started = performance.now();
    const res = await call();
    answers.push({
      phase,
      op,
      status: res.status,
      code: res.body?.code,
      ms: performance.now() - started,
      contentType: res.headers.get('content-type'),
      retryAfter: res.headers.get('retry-after'),
    });
    return res;
  }

  /** The messages of the errors both apps logged as unhandled (each a 500), to say why. */
  const unhandledErrors = () =>
    [stack.fx.running.logs, stack.fx.control.running.logs].flatMap((logs) =>
      logs
        .entries()
        .filter((e) => e.msg === 'Unhandled error while serving request')
        .map((e) => `${e.service}: ${(e.err as { message?: string } | undefined)?.message}`),
    );

  const createTicket = (ticket: Requested) =>
    stack.fx.request('POST', '/v1/tickets', {
      token: ticket.owner.token,
      body: ticket.body,
      headers: { 'idempotency-key': ticket.key },
    });

  /** One client of the load: creates, lists, reads and notes tickets of every tenant in turn, and logs in now and then. */
  async function client(n: number, running: () => boolean): Promise<void> {
    const fx = stack.fx;
    for (let i = 0; running(); i++) {
      const owner = owners[(n + i) % TENANTS]!;
      const mine = requested.filter((r) => r.owner === owner && r.id);
      const known = mine[i % Math.max(mine.length, 1)];
      switch (i % 5) {
        case 0: {
          const ticket: Requested = {
            owner,
            key: randomUUID(),
            body: {
              subject: `Fault ${n}-${i} ${uniqueSuffix()}`,
              description: 'It broke while the lights flickered.',
              requester: { email: `fault-${uniqueSuffix()}@example.test` },
            },
          };
          requested.push(ticket);
          const res = await timed('create', () => createTicket(ticket));
          if (res.status === 201) ticket.id = res.body.id;
          break;
        }
        case 1:
          await timed('list', () => fx.request('GET', '/v1/tickets?limit=10', { token: owner.token }));
          break;
        case 2:
          if (known)
            await timed('read', () =>
              fx.request('GET', `/v1/tickets/${known.id}?include=comments`, { token: owner.token }),
            );
          break;
        case 3:
          if (known)
            await timed('note', () =>
              fx.request('POST', `/v1/tickets/${known.id}/comments`, {
                token: owner.token,
                body: { body: `Note ${n}-${i}`, visibility: 'INTERNAL' },
              }),
            );
          break;
        default:
          await timed('login', () =>
            fx.control.request('POST', '/v1/auth/login', {
              body: { email: owner.user.email, password: owner.password },
            }),
          );
      }
    }
  }

  /** Every kind of request answered 2xx, one after another, for every tenant: the stack has recovered. */
  async function recovered(): Promise<boolean> {
    for (const owner of owners) {
      const list = await stack.fx.request('GET', '/v1/tickets?limit=1', { token: owner.token });
      const login = await stack.fx.control.request('POST', '/v1/auth/login', {
        body: { email: owner.user.email, password: owner.password },
      });
      const ready = await stack.fx.request('GET', '/health/ready');
      if (list.status !== 200 || login.status !== 200 || ready.status !== 200) return false;
    }
    return true;
  }

  const faults: Array<{ name: string; stop: () => Promise<void> | void; start: () => Promise<void> | void }> = [
    { name: 'redis', stop: () => stack.redis.stopServer(), start: () => stack.redis.startServer() },
    { name: 'pgbouncer', stop: () => stack.bouncer.stopServer(), start: () => stack.bouncer.startServer() },
    { name: 'postgresql', stop: () => stack.cluster.stopServer(), start: () => stack.cluster.startServer() },
  ];

  it('answers 503 with Retry-After within the timeouts while each is down, never a 500, and recovers on its own', async (t) => {
    let running = true;
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n, () => running)));
    try {
      await new Promise((r) => setTimeout(r, 3_000));
      for (const fault of faults) {
        phase = `${fault.name} down`;
        await fault.stop();
        await new Promise((r) => setTimeout(r, OUTAGE_MS));
        phase = `${fault.name} back`;
        await fault.start();
        const back = performance.now();
        await waitFor(`recovery after ${fault.name} came back`, recovered, 30_000, 250);
        t.diagnostic(`${fault.name}: recovered ${Math.round(performance.now() - back)} ms after its restart`);
        phase = `after ${fault.name}`;
        await new Promise((r) => setTimeout(r, 2_000));
      }
    } finally {
      running = false;
      await load;
    }

    const summary = new Map<string, number>();
    for (const a of answers) {
      const key = `${a.phase} ${a.op} ${a.status}${a.code ? ` ${a.code}` : ''}`;
      summary.set(key, (summary.get(key) ?? 0) + 1);
    }
    t.diagnostic(`${answers.length} answers: ${JSON.stringify(Object.fromEntries(summary))}`);

    const unexpected = answers.filter(
      (a) => a.status >= 500 && !(a.status === 503 && OUTAGE_CODES.includes(a.code ?? '')),
    );
    if (unexpected.length > 0) t.diagnostic(`unhandled errors: ${unhandledErrors().join('; ')}`);
    expect(unexpected).toEqual([]);
    // A client error under an outage would be our bug dressed as theirs.
    expect(answers.filter((a) => a.status >= 400 && a.status < 500)).toEqual([]);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.contentType).toMatch(/^application\/problem\+json/);
      expect(a.retryAfter).toMatch(/^[1-9]\d*$/);
    }
    // While a dependency is down, the timeouts bound every wait; once it is back, recovery is bounded by the wait for it below.
    expect(
      answers
        .filter((a) => a.phase.endsWith(' down') && a.ms > MAX_WAIT_MS)
        .map((a) => `${a.phase} ${a.op} ${Math.round(a.ms)} ms`),
    ).toEqual([]);
    // The database faults were felt (the load really ran through them), and before and after them it all worked.
    for (const name of ['pgbouncer', 'postgresql'])
      expect(answers.some((a) => a.phase === `${name} down` && a.status === 503)).toBe(true);
    // Redis is a cache, a limiter and a queue: with it down, reads and writes go on.
    expect(
      answers.filter((a) => a.phase === 'redis down' && a.op === 'create' && a.status === 201).length,
    ).toBeGreaterThan(0);
    expect(answers.filter((a) => a.phase.startsWith('after ') && a.status >= 300)).toEqual([]);
  });

  it('loses, doubles and half-writes no ticket: each Idempotency-Key retried gives exactly one ticket with its history', async () => {
    for (const ticket of requested.filter((r) => !r.id)) {
      const res = await createTicket(ticket);
      expect([200, 201]).toContain(res.status);
      ticket.id = res.body.id;
    }
    for (const owner of owners) {
      const mine = requested.filter((r) => r.owner === owner);
      const db = new Client({ connectionString: stack.url(owner.tenant.databaseName) });
      await db.connect();
      try {
        const { rows } = await db.query<{
          id: string;
          subject: string;
          requester: string | null;
          created_events: string;
        }>(
          `SELECT t.id, t.subject, c.email AS requester, (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = t.id AND e.field = 'created') AS created_events
             FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_id`,
        );
        expect(rows.map((r) => r.id).sort()).toEqual(mine.map((r) => r.id).sort());
        for (const row of rows) {
          const asked = mine.find((r) => r.id === row.id)!;
          expect({ subject: row.subject, requester: row.requester, createdEvents: Number(row.created_events) }).toEqual(
            { subject: asked.body.subject, requester: asked.body.requester.email, createdEvents: 1 },
          );
        }
      } finally {
        await db.end();
      }
    }
  });

  it('sends each ticket its acknowledgement once, never twice, whatever died on the way', async (t) => {
    const expected = new Set(requested.map((r) => r.body.requester.email));
    const acknowledged = async () => (await catcher.messages()).filter((m) => m.to.some((to) => expected.has(to)));
    await waitFor(
      `${expected.size} acknowledgements`,
      async () => new Set((await acknowledged()).flatMap((m) => m.to)).size === expected.size,
      60_000,
      250,
    );
    // Late duplicates (a retried job, a swept outbox row) would arrive within the sweeper's period.
    await new Promise((r) => setTimeout(r, 12_000));
    const messages = await acknowledged();
    const perAddress = new Map<string, number>();
    for (const m of messages) for (const to of m.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    const doubled = [...perAddress].filter(([, n]) => n !== 1);
    if (doubled.length > 0)
      t.diagnostic(
        `doubled: ${JSON.stringify(messages.filter((m) => doubled.some(([to]) => m.to.includes(to))).map((m) => ({ to: m.to, id: m.messageId, subject: m.subject, at: m.date })))}`,
      );
    expect(doubled).toEqual([]);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(messages.length);
  });
});
