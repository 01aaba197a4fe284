import { Injectable } from '@nestjs/common';
import { ControlDatabase, MailChannelStatus, TenantStatus } from '@helpdeskly/database';
import type { MailChannelTls } from './imap-connection';

/** A channel as the fetcher needs it: where to log in, where it stopped, whom it delivers to. */
export interface FetchableMailChannel {
  readonly id: string;
  readonly tenantId: string;
  readonly tenantSlug: string;
  readonly host: string;
  readonly port: number;
  readonly tls: MailChannelTls;
  readonly username: string;
  readonly passwordSealed: string;
  readonly mailbox: string;
  readonly afterFetch: string;
  readonly uidValidity: bigint | null;
  readonly lastUid: bigint;
  readonly status: MailChannelStatus;
  /** Changes whenever the channel's row does (a new password, say): the fetcher reconnects. */
  readonly updatedAt: Date;
}

/** The settings one session of the fetcher connected with. */
export type ChannelConnection = Pick<
  FetchableMailChannel,
  'id' | 'host' | 'port' | 'tls' | 'username' | 'passwordSealed' | 'mailbox'
>;

/**
 * The row while it still has the session's settings: a session that outlived a PATCH (another
 * mailbox, server or password) must not move the new settings' resume point or status.
 */
const sameConnection = (c: ChannelConnection) => ({
  id: c.id,
  host: c.host,
  port: c.port,
  tls: c.tls,
  username: c.username,
  passwordSealed: c.passwordSealed,
  mailbox: c.mailbox,
});

/**
 * The fetcher's reads and writes of mail_channels in the control database. Those of one session
 * name its connection ({@link ChannelConnection}) and do nothing once the channel was changed.
 */
@Injectable()
export class MailChannelFetchRepository {
  constructor(private readonly db: ControlDatabase) {}

  /** ACTIVE and FAILING channels of ACTIVE tenants. */
  async listFetchable(): Promise<FetchableMailChannel[]> {
    const rows = await this.db.mailChannel.findMany({
      where: {
        status: { in: [MailChannelStatus.ACTIVE, MailChannelStatus.FAILING] },
        tenant: { status: TenantStatus.ACTIVE },
      },
      include: { tenant: { select: { slug: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(({ tenant, ...row }) => ({ ...row, tls: row.tls as MailChannelTls, tenantSlug: tenant.slug }));
  }

  /** Where the channel stands now (deleted or changed meanwhile: null). */
  async position(at: ChannelConnection): Promise<{ uidValidity: bigint | null; lastUid: bigint } | null> {
    return this.db.mailChannel.findFirst({ where: sameConnection(at), select: { uidValidity: true, lastUid: true } });
  }

  /** A new UIDVALIDITY: UIDs start over from 0. */
  async resetPosition(at: ChannelConnection, uidValidity: bigint): Promise<void> {
    await this.db.mailChannel.updateMany({ where: sameConnection(at), data: { uidValidity, lastUid: 0n } });
  }

  /** The message of `uid` was delivered (or refused for good, with `error`): never fetched again. */
  async advance(at: ChannelConnection, uid: bigint, error: string | null = null): Promise<void> {
    await this.db.mailChannel.updateMany({
      where: { ...sameConnection(at), lastUid: { lt: uid } },
      data: { lastUid: uid, ...(error ? { lastError: error } : {}) },
    });
  }

  /** A fetch worked: ACTIVE again, and when. */
  async markFetched(at: ChannelConnection): Promise<void> {
    await this.db.mailChannel.updateMany({
      where: { ...sameConnection(at), status: { not: MailChannelStatus.DISABLED } },
      data: { status: MailChannelStatus.ACTIVE, lastFetchedAt: new Date() },
    });
  }

  /** The server is down or refuses the login. */
  async markFailing(at: ChannelConnection, error: string): Promise<void> {
    await this.db.mailChannel.updateMany({
      where: { ...sameConnection(at), status: { not: MailChannelStatus.DISABLED } },
      data: { status: MailChannelStatus.FAILING, lastError: error },
    });
  }

  /** A delivery problem that is not the mailbox's (app-api busy): recorded, the channel's status kept. */
  async recordError(id: string, error: string): Promise<void> {
    await this.db.mailChannel.updateMany({ where: { id }, data: { lastError: error } });
  }
}
