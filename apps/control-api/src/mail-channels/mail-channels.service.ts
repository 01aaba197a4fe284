import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@helpdeskly/auth';
import { AuditService } from '@helpdeskly/audit';
import { type MailChannel, MailChannelStatus, SecretBox } from '@helpdeskly/database';
import { ValidationProblem } from '@helpdeskly/errors';
import {
  describeImapFailure,
  type ImapEndpoint,
  type MailboxPosition,
  type MailChannelTls,
  probeImapMailbox,
} from '@helpdeskly/jobs';
import type { ClientInfo } from '../common/client-info';
import type {
  CreateMailChannelDto,
  MailChannelDto,
  MailChannelListDto,
  UpdateMailChannelDto,
} from './dto/mail-channel.dto';
import { MailChannelsErrorCode, MailChannelsException } from './mail-channels.errors';
import { MailChannelsRepository } from './mail-channels.repository';

/** The fields whose change means logging in again (probed first, as at creation). */
const CONNECTION_FIELDS = ['host', 'port', 'tls', 'username', 'password', 'mailbox'] as const;
const SETTINGS_FIELDS = [...CONNECTION_FIELDS, 'afterFetch'] as const;

const toDto = (channel: MailChannel): MailChannelDto => ({
  id: channel.id,
  kind: channel.kind,
  host: channel.host,
  port: channel.port,
  tls: channel.tls as MailChannelTls,
  username: channel.username,
  mailbox: channel.mailbox,
  afterFetch: channel.afterFetch,
  status: channel.status,
  lastError: channel.lastError,
  lastFetchedAt: channel.lastFetchedAt?.toISOString() ?? null,
  createdAt: channel.createdAt.toISOString(),
});

/**
 * The existing mailboxes the caller's tenant (the token's) connects over IMAP; the worker fetches
 * them (libs/jobs MailChannelFetcher). A channel is stored only after a login to it worked, its
 * password sealed with SecretBox and never returned. Creation and deletion are audited.
 */
@Injectable()
export class MailChannelsService {
  constructor(
    private readonly channels: MailChannelsRepository,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
  ) {}

  async create(auth: AuthContext, dto: CreateMailChannelDto, client: ClientInfo): Promise<MailChannelDto> {
    const mailbox = dto.mailbox ?? 'INBOX';
    const probe = await this.probe(dto, mailbox);
    const channel = await this.channels.create({
      tenantId: auth.tenantId,
      host: dto.host.toLowerCase(),
      port: dto.port,
      tls: dto.tls,
      username: dto.username,
      passwordSealed: this.box.seal(dto.password),
      mailbox,
      afterFetch: dto.afterFetch ?? 'seen',
      // From now on, unless the tenant asks for the mailbox's history: its old mail is not new tickets.
      ...(dto.importExisting ? {} : { uidValidity: probe.uidValidity, lastUid: probe.uidNext - 1n }),
    });
    if (!channel)
      throw new MailChannelsException(
        MailChannelsErrorCode.AlreadyConnected,
        `${dto.username} on ${dto.host} (${dto.mailbox ?? 'INBOX'}) is already connected.`,
      );
    await this.audit.record({
      action: 'mail_channel.created',
      tenantId: auth.tenantId,
      actorUserId: auth.userId,
      targetType: 'mail_channel',
      targetId: channel.id,
      ...client,
      metadata: { host: channel.host, port: channel.port, username: channel.username, mailbox: channel.mailbox },
    });
    return toDto(channel);
  }

  async list(auth: AuthContext): Promise<MailChannelListDto> {
    return { items: (await this.channels.list(auth.tenantId)).map(toDto) };
  }

  async get(auth: AuthContext, id: string): Promise<MailChannelDto> {
    const channel = await this.channels.find(auth.tenantId, id);
    if (!channel) throw new MailChannelsException(MailChannelsErrorCode.NotFound, `No mail channel ${id}.`);
    return toDto(channel);
  }

  /**
   * Changes the given settings. New connection settings are probed first, as at creation, and
   * nothing is saved when the probe fails. Another folder (or server) starts from its next message,
   * so its history is not imported; `active` pauses (DISABLED) or resumes (ACTIVE, lastError
   * cleared). The worker notices within seconds and reconnects with the new settings. Audited
   * (mail_channel.updated) with the names of the fields changed.
   */
  async update(auth: AuthContext, id: string, dto: UpdateMailChannelDto, client: ClientInfo): Promise<MailChannelDto> {
    if (Object.values(dto).every((value) => value === undefined))
      throw new ValidationProblem([
        { field: 'body', code: 'notEmpty', message: 'name at least one setting to change' },
      ]);
    const current = await this.channels.find(auth.tenantId, id);
    if (!current) throw new MailChannelsException(MailChannelsErrorCode.NotFound, `No mail channel ${id}.`);
    const password = this.box.open(current.passwordSealed);
    const next = {
      host: dto.host?.toLowerCase() ?? current.host,
      port: dto.port ?? current.port,
      tls: dto.tls ?? (current.tls as MailChannelTls),
      username: dto.username ?? current.username,
      password: dto.password ?? password,
      mailbox: dto.mailbox ?? current.mailbox,
      afterFetch: dto.afterFetch ?? current.afterFetch,
    };
    const was = { ...current, tls: current.tls as MailChannelTls, password };
    const changed = SETTINGS_FIELDS.filter((field) => next[field] !== was[field]);
    const activating = dto.active === true && current.status !== MailChannelStatus.ACTIVE;
    const pausing = dto.active === false && current.status !== MailChannelStatus.DISABLED;
    const changes: Parameters<MailChannelsRepository['update']>[2] = {};
    if (changed.some((field) => (CONNECTION_FIELDS as readonly string[]).includes(field))) {
      const probe = await this.probe(next, next.mailbox);
      Object.assign(changes, {
        host: next.host,
        port: next.port,
        tls: next.tls,
        username: next.username,
        passwordSealed: changed.includes('password') ? this.box.seal(next.password) : current.passwordSealed,
        mailbox: next.mailbox,
      });
      // Another folder, or a server whose folder is another one: from its next message on.
      if (
        next.mailbox !== current.mailbox ||
        (current.uidValidity !== null && probe.uidValidity !== current.uidValidity)
      )
        Object.assign(changes, { uidValidity: probe.uidValidity, lastUid: probe.uidNext - 1n });
      // The settings work: a FAILING channel is ACTIVE again (a paused one stays paused).
      if (current.status === MailChannelStatus.FAILING && dto.active !== false)
        Object.assign(changes, { status: MailChannelStatus.ACTIVE, lastError: null });
    }
    if (changed.includes('afterFetch')) changes.afterFetch = next.afterFetch;
    if (activating) Object.assign(changes, { status: MailChannelStatus.ACTIVE, lastError: null });
    if (pausing) changes.status = MailChannelStatus.DISABLED;
    const fields = [...changed, ...(activating || pausing ? ['active'] : [])];
    if (fields.length === 0) return toDto(current);
    const updated = await this.channels.update(auth.tenantId, id, changes);
    if (updated === 'exists')
      throw new MailChannelsException(
        MailChannelsErrorCode.AlreadyConnected,
        `${next.username} on ${next.host} (${next.mailbox}) is already connected.`,
      );
    if (!updated) throw new MailChannelsException(MailChannelsErrorCode.NotFound, `No mail channel ${id}.`);
    await this.audit.record({
      action: 'mail_channel.updated',
      tenantId: auth.tenantId,
      actorUserId: auth.userId,
      targetType: 'mail_channel',
      targetId: id,
      ...client,
      // The names only: never a password, and the settings themselves are on the channel.
      metadata: { fields, ...(pausing || activating ? { active: !pausing } : {}) },
    });
    return toDto(updated);
  }

  /** The worker notices within seconds and logs out of the mailbox. */
  async delete(auth: AuthContext, id: string, client: ClientInfo): Promise<void> {
    const deleted = await this.channels.delete(auth.tenantId, id);
    if (!deleted) throw new MailChannelsException(MailChannelsErrorCode.NotFound, `No mail channel ${id}.`);
    await this.audit.record({
      action: 'mail_channel.deleted',
      tenantId: auth.tenantId,
      actorUserId: auth.userId,
      targetType: 'mail_channel',
      targetId: id,
      ...client,
      metadata: { host: deleted.host, username: deleted.username, mailbox: deleted.mailbox },
    });
  }

  /** Logs in and opens the mailbox, as the worker will: where it stands, or the 422 that says why not. */
  private async probe(endpoint: ImapEndpoint, mailbox: string): Promise<MailboxPosition> {
    const probe = await probeImapMailbox(endpoint, mailbox);
    if (!('failure' in probe)) return probe;
    if (probe.failure === 'no_mailbox')
      throw new MailChannelsException(
        MailChannelsErrorCode.MailboxNotFound,
        `The IMAP server has no mailbox "${mailbox}" that ${endpoint.username} can open.`,
      );
    throw new MailChannelsException(
      probe.failure === 'login_failed' ? MailChannelsErrorCode.LoginFailed : MailChannelsErrorCode.Unreachable,
      describeImapFailure(probe.failure, endpoint),
    );
  }
}
