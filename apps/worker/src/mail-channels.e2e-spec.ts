// An existing mailbox over IMAP, end to end: a tenant connects a real Dovecot mailbox through
// control-api, the worker's fetcher (IDLE) re-delivers each new message to app-api's inbound SMTP
// server, and the message becomes a ticket of that tenant; then restarts of the fetcher, an outage
// of the IMAP server (which the worker's readiness shows, still ready), changes of the channel
// (PATCH: refused credentials, pause and resume, another folder), and a second tenant's mailbox.
// One file, one fetcher: the fetcher of another file would read these channels too. Real
// PostgreSQL, PgBouncer, Redis, Dovecot.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { SMTPServer } from 'smtp-server';
import { MembershipRole } from '@helpdeskly/database';
import { MailChannelFetcher } from '@helpdeskly/jobs';
import { freePort, waitFor } from '@helpdeskly/testing';
import type { FixtureMember } from '../../app-api/src/testing/app-fixture';
import { eventually } from '../../control-api/src/testing/control-fixture';
import { type ChannelItem, countOf, type FailingChannel, MailChannelWorld } from './testing/mail-channel-world';

const USERS = { acme: 'acme-secret', globex: 'globex-secret' };

describe('an existing mailbox over IMAP (e2e)', () => {
  let world: MailChannelWorld<keyof typeof USERS>;
  let acme: FixtureMember;
  let globex: FixtureMember;
  let agent: FixtureMember;
  let acmeChannel: ChannelItem;

  before(async () => {
    world = await MailChannelWorld.start(USERS);
    acme = await world.fx.createTenantWithOwner();
    agent = await world.fx.addMember(acme.tenant, MembershipRole.AGENT);
    globex = await world.fx.createTenantWithOwner();
  });
  after(async () => {
    await world?.close();
  });

  /** The fetcher's session of acme's channel once it has read the channels again: none while paused or deleted, 'idle' once connected. */
  const sessionState = async () => {
    // Twice: the first may be a sync that read the channels before the change.
    await world.fetcherService().sync();
    await world.fetcherService().sync();
    return world.fetcherService().states()[acmeChannel.id];
  };
  const failingOf = async (id: string) =>
    (await world.readiness()).body.checks.mailChannels.failing.find((f) => f.id === id);

  it('refuses a wrong password with 422 mail_channel_login_failed and an unreachable server with 422 mail_channel_unreachable', async () => {
    const wrong = await world.control('POST', '/v1/mail-channels', acme, world.channelBody('acme', 'wrong'));
    expect([wrong.status, wrong.body.code]).toEqual([422, 'mail_channel_login_failed']);
    expect(wrong.body.detail).toContain('refused the username or password');
    expect(JSON.stringify(wrong.body)).not.toContain('AUTHENTICATIONFAILED');
    const closed = await world.control('POST', '/v1/mail-channels', acme, {
      ...world.channelBody('acme'),
      port: await freePort(),
    });
    expect([closed.status, closed.body.code]).toEqual([422, 'mail_channel_unreachable']);
    expect(closed.body.stack).toBeUndefined();
    const invalid = await world.control('POST', '/v1/mail-channels', acme, {
      ...world.channelBody('acme'),
      tls: 'maybe',
    });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'validation_failed']);
    expect((await world.control('POST', '/v1/mail-channels', agent, world.channelBody('acme'))).status).toBe(403);
    expect(await world.channels(acme)).toEqual([]);
  });

  it('connects a mailbox (audited, the password never returned), and delivers its mail as tickets of the tenant, flagged \\Seen', async () => {
    await world.append('acme', 'Before the channel');
    // The mailbox's history too: without importExisting only new mail would come (the globex case).
    const created = await world.control('POST', '/v1/mail-channels', acme, {
      ...world.channelBody('acme'),
      importExisting: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'IMAP', status: 'ACTIVE', username: 'acme', mailbox: 'INBOX' });
    acmeChannel = created.body;
    const listed = await world.control('GET', '/v1/mail-channels', acme);
    expect(JSON.stringify(listed.body)).not.toContain(USERS.acme);
    expect(
      await world.fx.control.db.auditLog.count({ where: { action: 'mail_channel.created', targetId: acmeChannel.id } }),
    ).toBe(1);
    const again = await world.control('POST', '/v1/mail-channels', acme, world.channelBody('acme'));
    expect([again.status, again.body.code]).toEqual([409, 'mail_channel_exists']);

    await world.startFetcher();
    await world.ticketsArrive(acme, ['Before the channel']);
    await world.append('acme', 'While idling');
    await world.ticketsArrive(acme, ['While idling']);
    await waitFor(
      'both flagged \\Seen',
      async () => Object.values(await world.flags('acme')).every((f) => f.includes('\\Seen')),
      10_000,
      200,
    );
    const [row] = await world.channels(acme);
    expect(row).toMatchObject({ status: 'ACTIVE' });
  });

  it('resumes after a restart of the fetcher without duplicates, with what arrived while it was stopped', async () => {
    await world.stopFetcher();
    await world.append('acme', 'While stopped');
    await world.startFetcher();
    await world.ticketsArrive(acme, ['While stopped']);
    // Room for a wrong second delivery to show up.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const list = await world.subjects(acme);
    for (const subject of ['Before the channel', 'While idling', 'While stopped'])
      expect({ subject, count: countOf(list, subject) }).toEqual({ subject, count: 1 });
  });

  it('lets one worker instance at a time fetch a mailbox (a Redis lock per channel), and another take over', async () => {
    const second = await world.workerApp();
    try {
      await world.append('acme', 'With two workers');
      await world.ticketsArrive(acme, ['With two workers']);
      const states = [world.fetcher!, second].map((w) => w.app.get(MailChannelFetcher).states()[acmeChannel.id]);
      expect(states.filter((state) => state === 'waiting-for-lock')).toHaveLength(1);
      // The holder stops: its lock is released, and the other one fetches.
      await world.stopFetcher();
      await world.append('acme', 'After the handover');
      await world.ticketsArrive(acme, ['After the handover'], 30_000);
      const list = await world.subjects(acme);
      for (const subject of ['With two workers', 'After the handover'])
        expect({ subject, count: countOf(list, subject) }).toEqual({ subject, count: 1 });
    } finally {
      await world.fetcher?.close();
      world.fetcher = second;
    }
  });

  it('marks the channel FAILING while the IMAP server is down and shows it in readiness (still ready) with a growing backoff, and once it is back fetches what arrived meanwhile', async () => {
    const healthy = await world.readiness();
    expect(healthy.status).toBe(200);
    expect(healthy.body.checks.mailChannels).toMatchObject({ status: 'up', fetching: true });
    expect(healthy.body.checks.mailChannels.channels).toBeGreaterThanOrEqual(1);
    // Beside the other detail of the worker's readiness, the queues' Redis settings.
    expect(healthy.body.checks).toHaveProperty('queueRedis.status', 'up');
    // Channels that earlier runs left may fail meanwhile (the fetcher reads every tenant's): only ours is looked at.
    expect(await failingOf(acmeChannel.id)).toBeUndefined();

    await world.dovecot.stop();
    // Readiness while it is down: 200, the channel listed with a reason code, each attempt waiting longer.
    const seen: FailingChannel[] = [];
    const answers = new Set<string>();
    await waitFor(
      'two failed attempts in a row, each waiting out its backoff',
      async () => {
        const { status, body, text } = await world.readiness();
        answers.add(JSON.stringify([status, body.status, body.checks.mailChannels.status]));
        if (/ECONNREFUSED|connect /.test(text)) answers.add(text);
        const failing = body.checks.mailChannels.failing.find((f) => f.id === acmeChannel.id);
        if (failing?.backoffSeconds) seen.push(failing);
        // Two attempts seen waiting out their backoffs, the later one of a server that is gone.
        return new Set(seen.map((f) => f.attempts)).size >= 2 && seen[seen.length - 1].reason === 'unreachable';
      },
      30_000,
      100,
    );
    expect([...answers]).toEqual([JSON.stringify([200, 'ok', 'up'])]);
    const first = seen[0];
    const last = seen[seen.length - 1];
    expect(first).toMatchObject({ tenantId: acme.tenant.id });
    expect(['unreachable', 'connection_lost']).toContain(first.reason);
    expect(last.since).toBe(first.since);
    expect(last.attempts).toBeGreaterThan(first.attempts);
    expect(last.backoffSeconds).toBeGreaterThan(first.backoffSeconds!);
    expect(last.nextAttemptInSeconds).toBeLessThanOrEqual(last.backoffSeconds!);
    const [down] = await world.channels(acme);
    expect(down).toMatchObject({ status: 'FAILING', lastError: expect.stringMatching(/IMAP server/) });

    world.deliverWhileDown('acme', 'During the outage');
    await world.dovecot.start();
    await world.append('acme', 'After the outage');
    await world.ticketsArrive(acme, ['During the outage', 'After the outage'], 60_000);
    await eventually(
      'the channel ACTIVE',
      async () => ((await world.channels(acme))[0].status === 'ACTIVE' ? true : null),
      20_000,
    );
    await waitFor('the channel out of the failing list', async () => !(await failingOf(acmeChannel.id)), 10_000, 100);
    const list = await world.subjects(acme);
    for (const subject of ['During the outage', 'After the outage', 'While stopped'])
      expect({ subject, count: countOf(list, subject) }).toEqual({ subject, count: 1 });
  });

  it('changes a channel with PATCH: new settings are tried first, pausing stops the fetching, resuming brings what came meanwhile, another folder is fetched from its next message on', async () => {
    const path = `/v1/mail-channels/${acmeChannel.id}`;
    // Its settings and resume point (the worker's fetches touch lastFetchedAt meanwhile).
    const row = () =>
      world.fx.control.db.mailChannel.findUniqueOrThrow({
        where: { id: acmeChannel.id },
        select: {
          host: true,
          port: true,
          tls: true,
          username: true,
          passwordSealed: true,
          mailbox: true,
          uidValidity: true,
          lastUid: true,
          status: true,
        },
      });
    const audits = () =>
      world.fx.control.db.auditLog.findMany({
        where: { action: 'mail_channel.updated', targetId: acmeChannel.id },
        orderBy: { createdAt: 'asc' },
      });

    // Refused settings change nothing.
    const before = await row();
    const wrong = await world.control('PATCH', path, acme, { password: 'wrong' });
    expect([wrong.status, wrong.body.code]).toEqual([422, 'mail_channel_login_failed']);
    const noFolder = await world.control('PATCH', path, acme, { mailbox: 'Nope' });
    expect([noFolder.status, noFolder.body.code]).toEqual([422, 'mail_channel_mailbox_not_found']);
    const empty = await world.control('PATCH', path, acme, {});
    expect([empty.status, empty.body.code]).toEqual([400, 'validation_failed']);
    expect((await world.control('PATCH', path, acme, { port: null })).status).toBe(400);
    expect((await world.control('PATCH', path, agent, { active: false })).status).toBe(403);
    expect(await row()).toEqual(before);
    expect(await audits()).toEqual([]);
    // The same password again is no change: not saved, not audited.
    const same = await world.control('PATCH', path, acme, { password: USERS.acme });
    expect([same.status, same.body.status]).toEqual([200, 'ACTIVE']);
    expect(await row()).toEqual(before);

    // Paused: the fetcher drops its session, and mail that arrives stays in the mailbox.
    const paused = await world.control('PATCH', path, acme, { active: false });
    expect([paused.status, paused.body.status]).toEqual([200, 'DISABLED']);
    await waitFor('the session stopped', async () => (await sessionState()) === undefined, 10_000, 100);
    await world.append('acme', 'While paused');
    expect(await sessionState()).toBeUndefined();
    expect(await world.subjects(acme)).not.toContain('While paused');
    expect((await world.flagsBySubject('acme'))['While paused']).not.toContain('\\Seen');

    const resumed = await world.control('PATCH', path, acme, { active: true });
    expect(resumed.body).toMatchObject({ status: 'ACTIVE', lastError: null });
    await world.ticketsArrive(acme, ['While paused']);

    // Another folder: what it holds already stays out, what arrives in it once changed comes.
    await world.withMailbox('acme', (client) => client.mailboxCreate('Support'));
    await world.append('acme', 'Support history', 'Support');
    const moved = await world.control('PATCH', path, acme, { mailbox: 'Support' });
    expect(moved.body).toMatchObject({ status: 'ACTIVE', mailbox: 'Support' });
    expect(JSON.stringify(moved.body)).not.toContain(USERS.acme);
    await waitFor('a session on Support', async () => (await sessionState()) === 'idle', 20_000, 100);
    await world.append('acme', 'Into Support', 'Support');
    await world.append('acme', 'Into the old INBOX');
    await world.ticketsArrive(acme, ['Into Support']);
    // In UID order: the history, had it been taken, would have come first.
    expect(await world.subjects(acme)).not.toContain('Support history');
    expect(await world.subjects(acme)).not.toContain('Into the old INBOX');

    // Back to INBOX for the tests after this one, again from its next message on.
    expect((await world.control('PATCH', path, acme, { mailbox: 'INBOX' })).status).toBe(200);
    await waitFor('a session on INBOX', async () => (await sessionState()) === 'idle', 20_000, 100);
    await world.append('acme', 'Back in INBOX');
    await world.ticketsArrive(acme, ['Back in INBOX']);
    expect(await world.subjects(acme)).not.toContain('Into the old INBOX');

    const trail = (await audits()).map((a) => a.metadata);
    expect(trail).toEqual([
      { fields: ['active'], active: false },
      { fields: ['active'], active: true },
      { fields: ['mailbox'] },
      { fields: ['mailbox'] },
    ]);
    expect(JSON.stringify(trail)).not.toContain(USERS.acme);
  });

  it("keeps a second tenant's mailbox to that tenant", async () => {
    // Mail already in the mailbox stays out: only what arrives once the channel is connected.
    await world.append('globex', 'Globex history');
    const noSuchFolder = await world.control('POST', '/v1/mail-channels', globex, {
      ...world.channelBody('globex'),
      mailbox: 'Nope',
    });
    expect([noSuchFolder.status, noSuchFolder.body.code]).toEqual([422, 'mail_channel_mailbox_not_found']);
    const created = await world.control('POST', '/v1/mail-channels', globex, world.channelBody('globex'));
    expect(created.status).toBe(201);
    await world.append('globex', 'For globex only');
    await world.ticketsArrive(globex, ['For globex only'], 30_000);
    expect(await world.subjects(globex)).not.toContain('Globex history');
    expect(await world.subjects(acme)).not.toContain('For globex only');
    expect(await world.subjects(globex)).not.toContain('While idling');
  });

  it("answers 404 to another tenant for a channel's id, on GET, PATCH and DELETE, and lets its own tenant delete it (audited)", async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const body = method === 'PATCH' ? { active: false } : undefined;
      const res = await world.control(method, `/v1/mail-channels/${acmeChannel.id}`, globex, body);
      expect([method, res.status, res.body.code]).toEqual([method, 404, 'mail_channel_not_found']);
    }
    expect((await world.control('GET', `/v1/mail-channels/${acmeChannel.id}`, acme)).status).toBe(200);
    expect((await world.control('DELETE', `/v1/mail-channels/${acmeChannel.id}`, acme)).status).toBe(204);
    expect((await world.control('GET', `/v1/mail-channels/${acmeChannel.id}`, acme)).status).toBe(404);
    expect(
      await world.fx.control.db.auditLog.count({ where: { action: 'mail_channel.deleted', targetId: acmeChannel.id } }),
    ).toBe(1);
    // Deleted: the fetcher drops its session, so nothing is fetched from it any more.
    await waitFor('the session stopped', async () => (await sessionState()) === undefined, 10_000, 100);
    await world.append('acme', 'After the deletion');
    expect(await sessionState()).toBeUndefined();
    expect(await world.subjects(acme)).not.toContain('After the deletion');
  });

  it('tries a message app-api defers (451) again, and skips one it refuses for good (552): recorded, left unflagged', async () => {
    await world.stopFetcher();
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
      for (const subject of ['Busy', 'Too big', 'Fine']) await world.append('globex', subject);
      await world.startFetcher(`smtp://127.0.0.1:${port}`);
      await waitFor('Busy and Fine delivered', async () => received.length >= 2, 30_000, 100);
      // In UID order, Busy before Fine although it was deferred once; Too big never accepted.
      expect(received).toEqual(['Busy', 'Fine']);
      await waitFor(
        'Fine flagged',
        async () => (await world.flagsBySubject('globex')).Fine?.includes('\\Seen') ?? false,
        10_000,
        100,
      );
      const byFlags = await world.flagsBySubject('globex');
      expect(byFlags['Too big']).not.toContain('\\Seen');
      expect(byFlags.Busy).toContain('\\Seen');
      const [channel] = await world.channels(globex);
      expect(channel).toMatchObject({ status: 'ACTIVE', lastError: expect.stringContaining('SMTP 552') });
    } finally {
      await world.stopFetcher();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
