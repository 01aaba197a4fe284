import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@helpdeskly/auth';
import { AuditService } from '@helpdeskly/audit';
import { type MailChannel, SecretBox } from '@helpdeskly/database';
import { describeImapFailure, type MailChannelTls, probeImapMailbox } from '@helpdeskly/jobs';
import type { ClientInfo } from '../common/client-info';
import type { CreateMailChannelDto, MailChannelDto, MailChannelListDto } from './dto/mail-channel.dto';
import { MailChannelsErrorCode, MailChannelsException } from './mail-channels.errors';
import { MailChannelsRepository } from './mail-channels.repository';

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
    const probe = await probeImapMailbox(dto, mailbox);
    if ('failure' in probe) {
      if (probe.failure === 'no_mailbox')
        throw new MailChannelsException(
          MailChannelsErrorCode.MailboxNotFound,
          `The IMAP server has no mailbox "${mailbox}" that ${dto.username} can open.`,
        );
      throw new MailChannelsException(
        probe.failure === 'login_failed' ? MailChannelsErrorCode.LoginFailed : MailChannelsErrorCode.Unreachable,
        describeImapFailure(probe.failure, dto),
      );
    }
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
}
