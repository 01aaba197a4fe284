import { Injectable } from '@nestjs/common';
import { ControlDatabase, isUniqueViolation, type MailChannel } from '@helpdeskly/database';

export type NewMailChannel = Pick<
  MailChannel,
  'tenantId' | 'host' | 'port' | 'tls' | 'username' | 'passwordSealed' | 'mailbox' | 'afterFetch'
> &
  Partial<Pick<MailChannel, 'uidValidity' | 'lastUid'>>;

/** A tenant's mail channels in the control database; every query names the tenant. */
@Injectable()
export class MailChannelsRepository {
  constructor(private readonly db: ControlDatabase) {}

  /** The new channel, or null when the tenant already has this host, username and mailbox. */
  async create(channel: NewMailChannel): Promise<MailChannel | null> {
    try {
      return await this.db.mailChannel.create({ data: channel });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  list(tenantId: string): Promise<MailChannel[]> {
    return this.db.mailChannel.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
  }

  find(tenantId: string, id: string): Promise<MailChannel | null> {
    return this.db.mailChannel.findFirst({ where: { id, tenantId } });
  }

  /**
   * The channel with `changes`, or null when the tenant has none of that id any more; 'exists' when
   * another of its channels has this host, username and mailbox.
   */
  async update(
    tenantId: string,
    id: string,
    changes: Partial<Omit<NewMailChannel, 'tenantId'> & Pick<MailChannel, 'status' | 'lastError'>>,
  ): Promise<MailChannel | null | 'exists'> {
    try {
      const { count } = await this.db.mailChannel.updateMany({ where: { id, tenantId }, data: changes });
      return count === 0 ? null : this.find(tenantId, id);
    } catch (error) {
      if (isUniqueViolation(error)) return 'exists';
      throw error;
    }
  }

  /** The deleted channel, or null when the tenant has none of that id. */
  async delete(tenantId: string, id: string): Promise<Pick<MailChannel, 'host' | 'username' | 'mailbox'> | null> {
    const [deleted] = await this.db.$queryRaw<Array<Pick<MailChannel, 'host' | 'username' | 'mailbox'>>>`
      DELETE FROM mail_channels WHERE id = ${id}::uuid AND tenant_id = ${tenantId}::uuid
      RETURNING host, username, mailbox`;
    return deleted ?? null;
  }
}
