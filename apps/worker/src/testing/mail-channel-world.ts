import { chownSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { MailChannelFetcher } from '@helpdeskly/jobs';
import { DovecotServer, freePort, type RunningTestApp, startTestApp, testConfig, waitFor } from '@helpdeskly/testing';
import { AppFixture, type FixtureMember } from '../../../app-api/src/testing/app-fixture';
import { uniqueSuffix } from '../../../control-api/src/testing/control-fixture';
import { WorkerModule } from '../worker.module';

const DOMAIN = 'inbound.test';

export interface ChannelItem {
  id: string;
  status: string;
  lastError: string | null;
  username: string;
  mailbox: string;
}

/** A channel in `checks.mailChannels.failing` of the worker's readiness. */
export interface FailingChannel {
  id: string;
  tenantId: string;
  since: string;
  reason: string;
  attempts: number;
  backoffSeconds: number | null;
  nextAttemptInSeconds: number | null;
}

/**
 * What the IMAP spec stands on: a Dovecot of their own with `users` (name → password), app-api and
 * control-api with an inbound SMTP server, and the worker's fetcher, started and stopped by the
 * test; plus the mailbox as the customer's mail server fills it, and the tickets that come of it.
 */
export class MailChannelWorld<User extends string> {
  fetcher?: RunningTestApp;

  private constructor(
    readonly dovecot: DovecotServer,
    readonly fx: AppFixture,
    private readonly env: Record<string, string>,
    private readonly users: Readonly<Record<User, string>>,
  ) {}

  static async start<User extends string>(users: Readonly<Record<User, string>>): Promise<MailChannelWorld<User>> {
    const dovecot = await DovecotServer.start(users);
    const smtpPort = await freePort();
    const env: Record<string, string> = {
      QUEUE_PREFIX: `hd-imap-${uniqueSuffix()}`,
      INBOUND_DOMAIN: DOMAIN,
      INBOUND_SMTP_PORT: String(smtpPort),
      INBOUND_SMTP_HOST: '127.0.0.1',
    };
    const fx = await AppFixture.start(env).catch(async (error: unknown) => {
      await dovecot.close();
      throw error;
    });
    env.INBOUND_DELIVERY_URL = `smtp://127.0.0.1:${smtpPort}`;
    return new MailChannelWorld(dovecot, fx, env, users);
  }

  async close(): Promise<void> {
    await this.fetcher?.close();
    await this.fx.close();
    await this.dovecot.close();
  }

  /** The worker app, with only the fetcher's variable added (the other consumers idle on the test's prefix). */
  workerApp(deliveryUrl = this.env.INBOUND_DELIVERY_URL): Promise<RunningTestApp> {
    const config = testConfig({ ...this.env, INBOUND_SMTP_PORT: '', INBOUND_DELIVERY_URL: deliveryUrl });
    return startTestApp(WorkerModule.forRoot(config), { config });
  }

  async startFetcher(deliveryUrl?: string): Promise<void> {
    this.fetcher = await this.workerApp(deliveryUrl);
  }

  async stopFetcher(): Promise<void> {
    await this.fetcher?.close();
    this.fetcher = undefined;
  }

  /** The running fetcher's service (sessions, sync). */
  fetcherService(): MailChannelFetcher {
    return this.fetcher!.app.get(MailChannelFetcher);
  }

  control(method: string, path: string, member: FixtureMember, body?: unknown) {
    return this.fx.control.request(method, path, { token: member.token, body });
  }

  channelBody(user: User, password: string = this.users[user]) {
    return { host: this.dovecot.host, port: this.dovecot.port, tls: 'none', username: user, password };
  }

  async channels(member: FixtureMember): Promise<ChannelItem[]> {
    return (await this.control('GET', '/v1/mail-channels', member)).body.items as ChannelItem[];
  }

  async subjects(member: FixtureMember): Promise<string[]> {
    const res = await this.fx.request<{ items: Array<{ subject: string }> }>('GET', '/v1/tickets?limit=100', {
      token: member.token,
    });
    return res.body.items.map((t) => t.subject);
  }

  ticketsArrive(member: FixtureMember, wanted: string[], timeoutMs = 30_000): Promise<void> {
    return waitFor(
      `tickets ${wanted.join(', ')}`,
      async () => {
        const have = await this.subjects(member);
        return wanted.every((subject) => have.includes(subject));
      },
      timeoutMs,
      200,
    );
  }

  /** The worker's GET /health/ready, with its mail channels' detail. */
  async readiness() {
    const res = await fetch(`${this.fetcher!.baseUrl}/health/ready`);
    const body = (await res.json()) as {
      status: string;
      checks: { mailChannels: { status: string; fetching: boolean; channels: number; failing: FailingChannel[] } };
    };
    return { status: res.status, body, text: JSON.stringify(body) };
  }

  /** A session with the mailbox as the customer's mail server would fill it. */
  async withMailbox<T>(user: User, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow({
      host: this.dovecot.host,
      port: this.dovecot.port,
      secure: false,
      auth: { user, pass: this.users[user] },
      logger: false,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout();
    }
  }

  append(user: User, subject: string, mailbox = 'INBOX') {
    return this.withMailbox(user, (client) => client.append(mailbox, messageOf(user, subject)));
  }

  /** Mail that arrives while Dovecot is down: written into the INBOX's maildir as a delivery agent does (tmp/, then new/). */
  deliverWhileDown(user: User, subject: string): void {
    const maildir = join(this.dovecot.dir, 'mail', user);
    const name = `${Date.now()}.${uniqueSuffix()}.test`;
    const owner = statSync(maildir);
    writeFileSync(join(maildir, 'tmp', name), messageOf(user, subject));
    chownSync(join(maildir, 'tmp', name), owner.uid, owner.gid);
    renameSync(join(maildir, 'tmp', name), join(maildir, 'new', name));
  }

  /** UID → flags of every message of the INBOX. */
  flags(user: User): Promise<Record<number, string[]>> {
    return this.withMailbox(user, async (client) => {
      await client.mailboxOpen('INBOX');
      const out: Record<number, string[]> = {};
      for await (const message of client.fetch('1:*', { flags: true, uid: true })) {
        out[message.uid] = [...(message.flags ?? [])];
      }
      return out;
    });
  }

  /** Subject → flags of every message of the INBOX. */
  flagsBySubject(user: User): Promise<Record<string, string[]>> {
    return this.withMailbox(user, async (client) => {
      await client.mailboxOpen('INBOX');
      const out: Record<string, string[]> = {};
      for await (const message of client.fetch('1:*', { flags: true, envelope: true }))
        out[message.envelope?.subject ?? ''] = [...(message.flags ?? [])];
      return out;
    });
  }
}

const messageOf = (user: string, subject: string) =>
  [
    `From: Customer <customer-${uniqueSuffix()}@example.test>`,
    `To: ${user}@their-company.test`,
    `Subject: ${subject}`,
    `Message-ID: <${uniqueSuffix()}@example.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${subject}`,
    '',
  ].join('\r\n');

export const countOf = (list: string[], subject: string) => list.filter((s) => s === subject).length;
