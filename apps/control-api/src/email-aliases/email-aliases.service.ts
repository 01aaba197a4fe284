import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@helpdeskly/auth';
import { AuditService } from '@helpdeskly/audit';
import { AppConfig } from '@helpdeskly/config';
import type { EmailAlias } from '@helpdeskly/database';
import { tenantAddressOf } from '@helpdeskly/inbound-email';
import type { ClientInfo } from '../common/client-info';
import type { EmailAliasDto, EmailAliasListDto } from './dto/email-alias.dto';
import { EmailAliasesErrorCode, EmailAliasesException } from './email-aliases.errors';
import { EmailAliasesRepository } from './email-aliases.repository';

/** Aliases per tenant: enough for a team per product and region, few enough to list on one screen. */
export const MAX_ALIASES_PER_TENANT = 50;

/**
 * The extra hosted addresses of the caller's tenant (the token's), `<slug>.<name>@<INBOUND_DOMAIN>`,
 * which app-api's inbound SMTP server accepts like `<slug>@` from the moment they exist (it looks
 * them up at RCPT time, uncached) and refuses with 550 once deleted. Creation and deletion are
 * audited.
 */
@Injectable()
export class EmailAliasesService {
  constructor(
    private readonly config: AppConfig,
    private readonly aliases: EmailAliasesRepository,
    private readonly audit: AuditService,
  ) {}

  async list(auth: AuthContext): Promise<EmailAliasListDto> {
    const [slug, aliases] = await Promise.all([this.aliases.slugOf(auth.tenantId), this.aliases.list(auth.tenantId)]);
    const domain = this.config.inbound.domain;
    return {
      address: domain ? tenantAddressOf(slug, null, domain) : null,
      items: domain ? aliases.map((alias) => this.toDto(slug, domain, alias)) : [],
    };
  }

  async create(auth: AuthContext, name: string, client: ClientInfo): Promise<EmailAliasDto> {
    const domain = this.config.inbound.domain;
    if (!domain)
      throw new EmailAliasesException(
        EmailAliasesErrorCode.InboundDisabled,
        'This deployment receives no mail (INBOUND_DOMAIN is not set), so an alias would reach nothing.',
      );
    const slug = await this.aliases.slugOf(auth.tenantId);
    const alias = await this.aliases.create(auth.tenantId, name, MAX_ALIASES_PER_TENANT);
    if (alias === 'exists')
      throw new EmailAliasesException(
        EmailAliasesErrorCode.Exists,
        `${tenantAddressOf(slug, name, domain)} is already an alias of this tenant.`,
      );
    if (alias === 'limit')
      throw new EmailAliasesException(
        EmailAliasesErrorCode.LimitReached,
        `A tenant has at most ${MAX_ALIASES_PER_TENANT} aliases: delete one first.`,
      );
    const dto = this.toDto(slug, domain, alias);
    await this.audit.record({
      action: 'email_alias.created',
      tenantId: auth.tenantId,
      actorUserId: auth.userId,
      targetType: 'email_alias',
      targetId: alias.id,
      ...client,
      metadata: { name: alias.name, address: dto.address },
    });
    return dto;
  }

  /** Mail to the address is refused (550) from the next RCPT on; tickets it made stay. */
  async delete(auth: AuthContext, id: string, client: ClientInfo): Promise<void> {
    const deleted = await this.aliases.delete(auth.tenantId, id);
    if (!deleted) throw new EmailAliasesException(EmailAliasesErrorCode.NotFound, `No email alias ${id}.`);
    await this.audit.record({
      action: 'email_alias.deleted',
      tenantId: auth.tenantId,
      actorUserId: auth.userId,
      targetType: 'email_alias',
      targetId: id,
      ...client,
      metadata: { name: deleted.name },
    });
  }

  private toDto(slug: string, domain: string, alias: EmailAlias): EmailAliasDto {
    return {
      id: alias.id,
      name: alias.name,
      address: tenantAddressOf(slug, alias.name, domain),
      createdAt: alias.createdAt.toISOString(),
    };
  }
}
