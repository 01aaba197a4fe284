import { Injectable } from '@nestjs/common';
import type { MembershipRoleName } from '@helpdeskly/auth';
import { AppConfig } from '@helpdeskly/config';
import { ControlDatabase } from '@helpdeskly/database';
import { TtlCache } from '@helpdeskly/cache';

export interface TenantMember {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly role: MembershipRoleName;
}

/** Members of a tenant (control database), cached for TENANT_CACHE_TTL_SECONDS. */
@Injectable()
export class TenantMembersService {
  private readonly cache: TtlCache<string, Promise<TenantMember[]>>;

  constructor(
    private readonly control: ControlDatabase,
    config: AppConfig,
  ) {
    this.cache = new TtlCache({ max: 10_000, ttlMs: config.tenancy.cacheTtlSeconds * 1000 });
  }

  async isMember(tenantId: string, userId: string): Promise<boolean> {
    return (await this.list(tenantId)).some((m) => m.userId === userId);
  }

  async list(tenantId: string): Promise<TenantMember[]> {
    return this.cache.getOrLoad(tenantId, () => this.load(tenantId));
  }

  private async load(tenantId: string): Promise<TenantMember[]> {
    const rows = await this.control.membership.findMany({
      where: { tenantId },
      include: { user: { select: { name: true, email: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((m) => ({ userId: m.userId, name: m.user.name, email: m.user.email, role: m.role }));
  }
}
