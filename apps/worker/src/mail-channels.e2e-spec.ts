// An existing mailbox over IMAP, end to end: a tenant connects a real Dovecot mailbox through
// control-api, the worker's fetcher (IDLE) re-delivers each new message to app-api's inbound SMTP
// server, and the message becomes a ticket of that tenant; then restarts of the fetcher, an outage
// of the IMAP server, and a second tenant's mailbox. Real PostgreSQL, PgBouncer, Redis, Dovecot.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { ImapFlow } from 'imapflow';
import { SMTPServer } from 'smtp-server';
import { MembershipRole } from '@helpdeskly/database';
import { MailChannelFetcher } from '@helpdeskly/jobs';
import { DovecotServer, freePort, type RunningTestApp, startTestApp, testConfig, waitFor } from '@helpdeskly/testing';
import { AppFixture, type FixtureMember } from '../../app-api/src/testing/app-fixture';
import { eventually, uniqueSuffix } from '../../control-api/src/testing/control-fixture';
import { WorkerModule } from './worker.module';

const DOMAIN = 'inbound.test';
const USERS = { acme: 'acme-secret', globex: 'globex-secret' };

interface ChannelItem {
  id: string;
  status: string;
  lastError: string | null;
  username: string;
}

describe('an existing mailbox over IMAP (e2e)', () => {
  let dovecot: DovecotServer;
  let fx: AppFixture;
  let env: Record<string, string>;
  let fetcher: RunningTestApp | undefined;
  let acme: FixtureMember;
  let globex: FixtureMember;
  let agent: FixtureMember;
  let acmeChannel: ChannelItem;

  before(async () => {
    dovecot = await DovecotServer.start(USERS);
    const smtpPort = await freePort();
    env = {
      QUEUE_PREFIX: `hd-imap-${uniqueSuffix()}`,
      INBOUND_DOMAIN: DOMAIN,
      INBOUND_SMTP_PORT: String(smtpPort),
      INBOUND_SMTP_HOST: '127.0.0.1',
    };
    fx = await AppFixture.start(env);
    env.INBOUND_DELIVERY_URL = `smtp://127.0.0.1:${smtpPort}`;
    acme = await fx.createTenantWithOwner();
    agent = await fx.addMember(acme.tenant, MembershipRole.AGENT);
    globex = await fx.createTenantWithOwner();
  });
  after(async () => {
    await fetcher?.close();
    await fx?.close();
    await dovecot?.close();
  });

  /** The worker app, with only the fetcher's variable added (the other consumers idle on the test's prefix). */
  const workerApp = (deliveryUrl = env.INBOUND_DELIVERY_URL) => {
    const config = testConfig({ ...env, INBOUND_SMTP_PORT: '', INBOUND_DELIVERY_URL: deliveryUrl });
    return startTestApp(WorkerModule.forRoot(config), { config });
  };
  const startFetcher = async (deliveryUrl?: string) => {
    fetcher = await workerApp(deliveryUrl);
  };
  const stopFetcher = async () => {
    await fetcher?.close();
    fetcher = undefined;
  };

  const control = (method: string, path: string, member: FixtureMember, body?: unknown) =>
    fx.control.request(method, path, { token: member.token, body });
  const channelBody = (user: keyof typeof USERS, password: string = USERS[user]) => ({
    host: dovecot.host,
    port: dovecot.port,
    tls: 'none',
    username: user,
    password,
  });
  const channels = async (member: FixtureMember) =>
    (await control('GET', '/v1/mail-channels', member)).body.items as ChannelItem[];
  const subjects = async (member: FixtureMember) =>
    (
      await fx.request<{ items: Array<{ subject: string }> }>('GET', '/v1/tickets?limit=100', { token: member.token })
    ).body.items.map((t) => t.subject);

  /** A session with the mailbox as the customer's mail server would fill it. */
  const withMailbox = async <T>(user: keyof typeof USERS, fn: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user, pass: USERS[user] },
      logger: false,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout();
    }
  };
  const append = (user: keyof typeof USERS, subject: string) =>
    withMailbox(user, (client) =>
      client.append(
        'INBOX',
        [
          `From: Customer <customer-${uniqueSuffix()}@example.test>`,
          `To: ${user}@their-company.test`,
          `Subject: ${subject}`,
          `Message-ID: <${uniqueSuffix()}@example.test>`,
          'Content-Type: text/plain; charset=utf-8',
          '',
          `Body of ${subject}`,
          '',
        ].join('\r\n'),
      ),
    );
  /** UID → flags of every message of the mailbox. */
  const flags = (user: keyof typeof USERS) =>
    withMailbox(user, async (client) => {
      await client.mailboxOpen('INBOX');
      const out: Record<number, string[]> = {};
      for await (const message of client.fetch('1:*', { flags: true, uid: true })) {
        out[message.uid] = [...(message.flags ?? [])];
      }
      return out;
    });
  /** Subject → flags of every message of the mailbox. */
  const flagsBySubject = (user: keyof typeof USERS) =>
    withMailbox(user, async (client) => {
      await client.mailboxOpen('INBOX');
      const out: Record<string, string[]> = {};
      for await (const message of client.fetch('1:*', { flags: true, envelope: true }))
        out[message.envelope?.subject ?? ''] = [...(message.flags ?? [])];
      return out;
    });
  const ticketsArrive = (member: FixtureMember, wanted: string[], timeoutMs = 30_000) =>
    waitFor(
      `tickets ${wanted.join(', ')}`,
      async () => {
        const have = await subjects(member);
        return wanted.every((subject) => have.includes(subject));
      },
      timeoutMs,
      200,
    );
  const countOf = (list: string[], subject: string) => list.filter((s) => s === subject).length;

  it('refuses a wrong password with 422 mail_channel_login_failed and an unreachable server with 422 mail_channel_unreachable', async () => {
    const wrong = await control('POST', '/v1/mail-channels', acme, channelBody('acme', 'wrong'));
    expect([wrong.status, wrong.body.code]).toEqual([422, 'mail_channel_login_failed']);
    expect(wrong.body.detail).toContain('refused the username or password');
    expect(JSON.stringify(wrong.body)).not.toContain('AUTHENTICATIONFAILED');
    const closed = await control('POST', '/v1/mail-channels', acme, { ...channelBody('acme'), port: await freePort() });
    expect([closed.status, closed.body.code]).toEqual([422, 'mail_channel_unreachable']);
    expect(closed.body.stack).toBeUndefined();
    const invalid = await control('POST', '/v1/mail-channels', acme, { ...channelBody('acme'), tls: 'maybe' });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'validation_failed']);
    expect((await control('POST', '/v1/mail-channels', agent, channelBody('acme'))).status).toBe(403);
    expect(await channels(acme)).toEqual([]);
  });

  it('connects a mailbox (audited, the password never returned), and delivers its mail as tickets of the tenant, flagged \\Seen', async () => {
    await append('acme', 'Before the channel');
    // The mailbox's history too: without importExisting only new mail would come (the globex case).
    const created = await control('POST', '/v1/mail-channels', acme, { ...channelBody('acme'), importExisting: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'IMAP', status: 'ACTIVE', username: 'acme', mailbox: 'INBOX' });
    acmeChannel = created.body;
    const listed = await control('GET', '/v1/mail-channels', acme);
    expect(JSON.stringify(listed.body)).not.toContain(USERS.acme);
    expect(
      await fx.control.db.auditLog.count({ where: { action: 'mail_channel.created', targetId: acmeChannel.id } }),
    ).toBe(1);
    const again = await control('POST', '/v1/mail-channels', acme, channelBody('acme'));
    expect([again.status, again.body.code]).toEqual([409, 'mail_channel_exists']);

    await startFetcher();
    await ticketsArrive(acme, ['Before the channel']);
    await append('acme', 'While idling');
    await ticketsArrive(acme, ['While idling']);
    await waitFor(
      'both flagged \\Seen',
      async () => Object.values(await flags('acme')).every((f) => f.includes('\\Seen')),
      10_000,
      200,
    );
    const [row] = await channels(acme);
    expect(row).toMatchObject({ status: 'ACTIVE' });
  });

  it('resumes after a restart of the fetcher without duplicates, with what arrived while it was stopped', async () => {
    await stopFetcher();
    await append('acme', 'While stopped');
    await startFetcher();
    await ticketsArrive(acme, ['While stopped']);
    // Room for a wrong second delivery to show up.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const list = await subjects(acme);
    for (const subject of ['Before the channel', 'While idling', 'While stopped'])
      expect({ subject, count: countOf(list, subject) }).toEqual({ subject, count: 1 });
  });

  it('lets one worker instance at a time fetch a mailbox (a Redis lock per channel), and another take over', async () => {
    const second = await workerApp();
    try {
      await append('acme', 'With two workers');
      await ticketsArrive(acme, ['With two workers']);
      const states = [fetcher!, second].map((w) => w.app.get(MailChannelFetcher).states()[acmeChannel.id]);
      expect(states.filter((state) => state === 'waiting-for-lock')).toHaveLength(1);
      // The holder stops: its lock is released, and the other one fetches.
      await stopFetcher();
      await append('acme', 'After the handover');
      await ticketsArrive(acme, ['After the handover'], 30_000);
      const list = await subjects(acme);
      for (const subject of ['With two workers', 'After the handover'])
        expect({ subject, count: countOf(list, subject) }).toEqual({ subject, count: 1 });
    } finally {
      await fetcher?.close();
      fetcher = second;
    }
  });

  it('marks the channel FAILING while the IMAP server is down, and fetches again on its own once it is back', async () => {
    await dovecot.stop();
    await eventually(
      'the channel FAILING',
      async () => ((await channels(acme))[0].status === 'FAILING' ? true : null),
      20_000,
    );
    expect((await channels(acme))[0].lastError).toMatch(/IMAP server/);
    await dovecot.start();
    await append('acme', 'After the outage');
    await ticketsArrive(acme, ['After the outage'], 90_000);
    await eventually(
      'the channel ACTIVE',
      async () => ((await channels(acme))[0].status === 'ACTIVE' ? true : null),
      20_000,
    );
  });

  it("keeps a second tenant's mailbox to that tenant", async () => {
    // Mail already in the mailbox stays out: only what arrives once the channel is connected.
    await append('globex', 'Globex history');
    const noSuchFolder = await control('POST', '/v1/mail-channels', globex, {
      ...channelBody('globex'),
      mailbox: 'Nope',
    });
    expect([noSuchFolder.status, noSuchFolder.body.code]).toEqual([422, 'mail_channel_mailbox_not_found']);
    const created = await control('POST', '/v1/mail-channels', globex, channelBody('globex'));
    expect(created.status).toBe(201);
    await append('globex', 'For globex only');
    await ticketsArrive(globex, ['For globex only'], 30_000);
    expect(await subjects(globex)).not.toContain('Globex history');
    expect(await subjects(acme)).not.toContain('For globex only');
    expect(await subjects(globex)).not.toContain('While idling');
  });

  it("answers 404 to another tenant for a channel's id, on GET and DELETE, and lets its own tenant delete it (audited)", async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await control(method, `/v1/mail-channels/${acmeChannel.id}`, globex);
      expect([method, res.status, res.body.code]).toEqual([method, 404, 'mail_channel_not_found']);
    }
    expect((await control('GET', `/v1/mail-channels/${acmeChannel.id}`, acme)).status).toBe(200);
    expect((await control('DELETE', `/v1/mail-channels/${acmeChannel.id}`, acme)).status).toBe(204);
    expect((await control('GET', `/v1/mail-channels/${acmeChannel.id}`, acme)).status).toBe(404);
    expect(
      await fx.control.db.auditLog.count({ where: { action: 'mail_channel.deleted', targetId: acmeChannel.id } }),
    ).toBe(1);
    // Deleted: nothing fetched from it any more.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await append('acme', 'After the deletion');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await subjects(acme)).not.toContain('After the deletion');
  });

  it('tries a message app-api defers (451) again, and skips one it refuses for good (552): recorded, left unflagged', async () => {
    await stopFetcher();
    // Stands in for app-api: 552 for one subject, 451 once for another, 250 for the rest.
    const received: string[] = [];
    let deferred = false;
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const subject = /^Subject: (.*)$/m.exec(Buffer.concat(chunks).toString())?.[1]?.trim() ?? '';
          const refuse = (responseCode: number) =>
            callback(Object.assign(new Error(`refused ${subject}`), { responseCode }));
          if (subject === 'Too big') return refuse(552);
          if (subject === 'Busy' && !deferred) {
            deferred = true;
            return refuse(451);
          }
          received.push(subject);
          callback();
        });
      },
    });
    const port = await freePort();
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
    try {
      for (const subject of ['Busy', 'Too big', 'Fine']) await append('globex', subject);
      await startFetcher(`smtp://127.0.0.1:${port}`);
      await waitFor('Busy and Fine delivered', async () => received.length >= 2, 30_000, 100);
      // In UID order, Busy before Fine although it was deferred once; Too big never accepted.
      expect(received).toEqual(['Busy', 'Fine']);
      await waitFor(
        'Fine flagged',
        async () => (await flagsBySubject('globex')).Fine?.includes('\\Seen') ?? false,
        10_000,
        100,
      );
      const byFlags = await flagsBySubject('globex');
      expect(byFlags['Too big']).not.toContain('\\Seen');
      expect(byFlags.Busy).toContain('\\Seen');
      const [channel] = await channels(globex);
      expect(channel).toMatchObject({ status: 'ACTIVE', lastError: expect.stringContaining('SMTP 552') });
    } finally {
      await stopFetcher();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
