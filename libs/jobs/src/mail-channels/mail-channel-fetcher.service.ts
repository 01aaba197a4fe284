import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { AppConfig } from '@helpdeskly/config';
import { MailChannelStatus, SecretBox } from '@helpdeskly/database';
import { backoffMs } from './delivery-decision';
import { type ChannelPositionPort, deliverNewMessages, type MailboxPort } from './deliver-new-messages';
import { describeImapFailure, type ImapFailure, imapFailureOf, imapOptionsOf } from './imap-connection';
import { InboundDelivery } from './inbound-delivery';
import {
  type ChannelConnection,
  type FetchableMailChannel,
  MailChannelFetchRepository,
} from './mail-channel-fetch.repository';
import { MailChannelLocks } from './mail-channel-locks';

/** How often the list of channels is read again (new, deleted, changed channels). */
const SYNC_MS = 5_000;
/** A fetch even without news from IDLE, in case the server's notification was lost. */
const SAFETY_FETCH_MS = 60_000;

/** What identifies a connection: when one of these changes, the fetcher connects again. */
const connectionKeyOf = (c: FetchableMailChannel) =>
  JSON.stringify([c.host, c.port, c.tls, c.username, c.passwordSealed, c.mailbox, c.afterFetch, c.tenantSlug]);

interface SessionDeps {
  readonly repository: MailChannelFetchRepository;
  readonly locks: MailChannelLocks;
  readonly delivery: InboundDelivery;
  readonly box: SecretBox;
  readonly domain: string;
  readonly logger: Logger;
}

/**
 * The fetching of every ACTIVE or FAILING mail channel, where INBOUND_DELIVERY_URL is set (the
 * worker, control-api with RUN_WORKERS=true): one IMAP connection per channel whose Redis lock
 * this process holds, in IDLE on the mailbox; each new message is re-delivered to app-api's inbound
 * SMTP server, then last_uid is set, then the message is flagged \Seen or moved (docs/email.md).
 */
@Injectable()
export class MailChannelFetcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MailChannelFetcher.name);
  private readonly sessions = new Map<string, { key: string; session: ChannelSession }>();
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: MailChannelFetchRepository,
    private readonly locks: MailChannelLocks,
    private readonly delivery: InboundDelivery,
    private readonly box: SecretBox,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.inbound.delivery) return;
    if (!this.config.inbound.domain) {
      this.logger.warn('INBOUND_DELIVERY_URL is set without INBOUND_DOMAIN: no IMAP fetching');
      return;
    }
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
    this.timer.unref();
    void this.sync();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.syncing;
    await Promise.all([...this.sessions.values()].map(({ session }) => session.stop()));
    this.sessions.clear();
  }

  /** The channels this process fetches now, by id, with their state (for readiness details and tests). */
  states(): Record<string, ChannelState> {
    return Object.fromEntries([...this.sessions].map(([id, { session }]) => [id, session.state]));
  }

  /** Whether this process fetches mail channels at all (INBOUND_DELIVERY_URL and INBOUND_DOMAIN set). */
  get enabled(): boolean {
    return this.timer !== undefined;
  }

  /** The channels whose IMAP server this process cannot use now, each since its first failure in a row. */
  failures(): ChannelFailure[] {
    return [...this.sessions.values()].flatMap(({ session }) => (session.failure ? [session.failure] : []));
  }

  /** Starts a session for each new channel, stops those of channels gone, disabled or changed. */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    let channels: FetchableMailChannel[];
    try {
      channels = await this.repository.listFetchable();
    } catch (error) {
      this.logger.warn(`Cannot read the mail channels: ${(error as Error).message}`);
      return;
    }
    if (this.stopped) return;
    const wanted = new Map(channels.map((c) => [c.id, c]));
    for (const [id, running] of this.sessions) {
      const channel = wanted.get(id);
      if (!channel || connectionKeyOf(channel) !== running.key) {
        this.sessions.delete(id);
        await running.session.stop();
      } else if (channel.status === MailChannelStatus.ACTIVE && running.session.failure) {
        // Re-enabled (PATCH active: true) while this session waits out its backoff: try now.
        running.session.retryNow();
      }
    }
    const deps: SessionDeps = {
      repository: this.repository,
      locks: this.locks,
      delivery: this.delivery,
      box: this.box,
      domain: this.config.inbound.domain!,
      logger: this.logger,
    };
    for (const channel of channels) {
      if (this.sessions.has(channel.id) || this.stopped) continue;
      this.sessions.set(channel.id, { key: connectionKeyOf(channel), session: new ChannelSession(channel, deps) });
    }
  }
}

export type ChannelState = 'waiting-for-lock' | 'connecting' | 'idle' | 'fetching' | 'failing' | 'stopped';

/** Why a channel's mailbox cannot be used: a code for readiness, never the server's text. */
export type ChannelFailureReason = ImapFailure | 'mailbox_not_found' | 'connection_lost';

/** A channel whose IMAP server failed, as readiness shows it. */
export interface ChannelFailure {
  readonly id: string;
  readonly tenantId: string;
  /** The first failure of this run of failures. */
  readonly since: Date;
  readonly reason: ChannelFailureReason;
  /** Failures in a row: the backoff doubles with each, up to a minute. */
  readonly attempts: number;
  /** When the next attempt starts, after a backoff of `backoffMs` (both unset while one runs). */
  readonly nextAttemptAt?: Date;
  readonly backoffMs?: number;
}

/** One channel's loop: lock, connect, fetch what is new, IDLE, again; backoff on failures. */
class ChannelSession {
  state: ChannelState = 'connecting';
  private stopped = false;
  private client?: ImapFlow;
  private wake: () => void = () => undefined;
  private pending = true;
  /** Consecutive failures of the IMAP server (connection, login) and of delivery, for the backoff. */
  private imapFailures = 0;
  private deliveryFailures = 0;
  /** Set from the first failure of the IMAP server until a fetch works again. */
  failure?: ChannelFailure;
  private readonly done: Promise<void>;

  constructor(
    private readonly channel: FetchableMailChannel,
    private readonly deps: SessionDeps,
  ) {
    this.done = this.loop();
  }

  /** Cuts the backoff short, once (a re-enabled channel). */
  retryNow(): void {
    if (this.state === 'failing') this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.done;
    this.state = 'stopped';
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let locked = false;
      try {
        locked = await this.deps.locks.acquire(this.channel.id);
      } catch (error) {
        this.deps.logger.warn(`Mail channel ${this.channel.id}: cannot take its lock: ${(error as Error).message}`);
      }
      if (!locked) {
        this.state = 'waiting-for-lock';
        await this.pause(this.deps.locks.ttlMs / 3);
        continue;
      }
      const renewal = setInterval(() => void this.renewLock(), this.deps.locks.ttlMs / 3);
      try {
        await this.connectAndFetch();
      } catch (error) {
        this.deps.logger.error(`Mail channel ${this.channel.id}: ${(error as Error).message}`);
      } finally {
        clearInterval(renewal);
        await this.deps.locks.release(this.channel.id).catch(() => undefined);
      }
      if (this.stopped) continue;
      const backoff = backoffMs(Math.max(this.imapFailures, this.deliveryFailures));
      if (this.failure)
        this.failure = { ...this.failure, nextAttemptAt: new Date(Date.now() + backoff), backoffMs: backoff };
      await this.pause(backoff);
      if (this.failure) this.failure = { ...this.failure, nextAttemptAt: undefined, backoffMs: undefined };
    }
  }

  private async renewLock(): Promise<void> {
    const ours = await this.deps.locks.renew(this.channel.id).catch(() => true);
    if (!ours) {
      this.deps.logger.warn(`Mail channel ${this.channel.id}: its lock was taken by another process`);
      this.client?.close();
    }
  }

  /**
   * Sleeps `ms`, or less when stop() (or IDLE's news) wakes it; not at all once stopped, since a
   * stop() that came while no pause was waiting (mid-fetch, say) has nothing left to wake.
   */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async connectAndFetch(): Promise<void> {
    const { channel, deps } = this;
    this.state = 'connecting';
    const endpoint = { ...channel, password: deps.box.open(channel.passwordSealed) };
    const client = new ImapFlow(imapOptionsOf(endpoint, { autoIdleDelay: 1_000 }));
    this.client = client;
    client.on('error', () => undefined);
    client.on('exists', () => {
      this.pending = true;
      this.wake();
    });
    client.on('close', () => this.wake());
    try {
      await client.connect();
    } catch (error) {
      const failure = imapFailureOf(error);
      await this.failed(failure, describeImapFailure(failure, channel));
      client.close();
      return;
    }
    try {
      await client.mailboxOpen(channel.mailbox);
      if (channel.afterFetch !== 'seen') await client.mailboxCreate(channel.afterFetch).catch(() => undefined);
    } catch (error) {
      if (client.usable)
        await this.failed(
          'mailbox_not_found',
          `The IMAP server has no mailbox "${channel.mailbox}" that ${channel.username} can open.`,
        );
      else await this.failed(imapFailureOf(error), describeImapFailure(imapFailureOf(error), channel));
      client.close();
      return;
    }
    try {
      this.pending = true;
      while (!this.stopped && client.usable) {
        if (this.pending) {
          this.pending = false;
          this.state = 'fetching';
          const fetched = await this.fetchNew(client);
          this.imapFailures = 0;
          this.failure = undefined;
          if (!fetched) {
            // app-api deferred a message: keep the connection, try again after the backoff.
            this.pending = true;
            await this.pause(backoffMs(++this.deliveryFailures));
            continue;
          }
          this.deliveryFailures = 0;
          await deps.repository.markFetched(channel);
        }
        this.state = 'idle';
        // imapflow IDLEs on its own once the connection has been quiet for autoIdleDelay.
        await this.pause(SAFETY_FETCH_MS);
        if (!this.pending && !this.stopped) this.pending = client.usable;
      }
      if (!this.stopped)
        await this.failed(
          'connection_lost',
          `The connection to the IMAP server ${channel.host}:${channel.port} was lost.`,
        );
    } catch (error) {
      if (!this.stopped) {
        const failure = client.usable ? imapFailureOf(error) : 'connection_lost';
        await this.failed(failure, describeImapFailure(imapFailureOf(error), channel));
      }
    } finally {
      if (client.usable) await client.logout().catch(() => client.close());
      else client.close();
      this.client = undefined;
    }
  }

  private async failed(reason: ChannelFailureReason, message: string): Promise<void> {
    this.imapFailures += 1;
    this.failure = {
      id: this.channel.id,
      tenantId: this.channel.tenantId,
      since: this.failure?.since ?? new Date(),
      reason,
      attempts: this.imapFailures,
    };
    this.deps.logger.warn(`Mail channel ${this.channel.id}: ${message}`);
    await this.deps.repository.markFailing(this.channel, message).catch(() => undefined);
    // After the row says FAILING: a sync that still reads ACTIVE would take it for a re-enabling.
    this.state = 'failing';
  }

  /**
   * Delivers every message above last_uid (deliverNewMessages). False when app-api deferred one
   * (4xx or no answer): nothing after it was tried, last_uid stays before it.
   */
  private async fetchNew(client: ImapFlow): Promise<boolean> {
    const { channel, deps } = this;
    const mailbox: MailboxPort = {
      uidValidity: client.mailbox ? client.mailbox.uidValidity : null,
      // `n:*` always includes the highest UID, even below n: deliverNewMessages filters it out.
      uidsAbove: async (lastUid) =>
        ((await client.search({ uid: `${lastUid + 1n}:*` }, { uid: true })) || []).map((uid) => BigInt(uid)),
      read: async (uid) => {
        const message = await client.fetchOne(String(uid), { source: true, envelope: true }, { uid: true });
        if (!message || !message.source) return null;
        return { raw: message.source, from: message.envelope?.from?.[0]?.address ?? '' };
      },
      markTaken: async (uid) => {
        if (channel.afterFetch === 'seen') await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        else await client.messageMove(String(uid), channel.afterFetch, { uid: true });
      },
    };
    // Scoped to this session's settings: once the channel changed, they move nothing (the session ends).
    const at: ChannelConnection = channel;
    const positions: ChannelPositionPort = {
      position: () => deps.repository.position(at),
      resetPosition: (_id, uidValidity) => deps.repository.resetPosition(at, uidValidity),
      advance: (_id, uid, error) => deps.repository.advance(at, uid, error),
      recordError: (id, error) => deps.repository.recordError(id, error),
    };
    const run = await deliverNewMessages({
      channelId: channel.id,
      to: `${channel.tenantSlug}@${deps.domain}`,
      mailbox,
      positions,
      delivery: deps.delivery,
      stopped: () => this.stopped || !client.usable,
    });
    if (run.outcome === 'gone') this.stopped = true;
    if (run.outcome === 'deferred')
      deps.logger.warn(`Mail channel ${channel.id}: UID ${run.uid}: ${run.reason}; trying again later`);
    return run.outcome !== 'deferred';
  }
}
