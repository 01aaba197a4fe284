import { Injectable } from '@nestjs/common';
import type { MembershipRoleName } from '@helpdeskly/auth';
import { ControlDatabase, type TenantStatus } from '@helpdeskly/database';

/**
 * A tenant's row as app-api needs it to route a request (JSON, so the shared cache can hold it in
 * Redis too): no credential at all, since every tenant is reached as the gateway role, whose
 * password is configuration.
 */
export interface TenantRecord {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly status: TenantStatus;
  readonly settings: Record<string, unknown>;
  readonly databaseName: string;
  readonly pgbouncerHost: string;
  readonly pgbouncerPort: number;
}

export interface TenantMember {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly role: MembershipRoleName;
}

/** What app-api reads of the control database: tenants, their servers and their members. */
@Injectable()
export class TenantDirectoryRepository {
  constructor(private readonly control: ControlDatabase) {}

  findTenant(tenantId: string): Promise<TenantRecord | null> {
    return this.findOne({ id: tenantId });
  }

  /**
   * The tenant a hosted address reaches: the tenant of the slug, when `alias` is null or names one
   * of its aliases; null otherwise (mail to it is refused).
   */
  findTenantByAddress(slug: string, alias: string | null): Promise<TenantRecord | null> {
    return this.findOne({ slug, ...(alias === null ? {} : { emailAliases: { some: { name: alias } } }) });
  }

  private async findOne(
    where: { id: string } | { slug: string; emailAliases?: { some: { name: string } } },
  ): Promise<TenantRecord | null> {
    const row = await this.control.tenant.findFirst({
      where,
      include: { databaseServer: { select: { pgbouncerHost: true, pgbouncerPort: true } } },
    });
    if (!row) return null;
    const settings =
      row.settings && typeof row.settings === 'object' && !Array.isArray(row.settings)
        ? (row.settings as Record<string, unknown>)
        : {};
    return {
      id: row.id,
      slug: row.slug,
      name: row.name,
      status: row.status,
      settings,
      databaseName: row.databaseName,
      pgbouncerHost: row.databaseServer.pgbouncerHost,
      pgbouncerPort: row.databaseServer.pgbouncerPort,
    };
  }

  /** The user's role in the tenant, or null when they are not a member. */
  async findRole(tenantId: string, userId: string): Promise<MembershipRoleName | null> {
    const membership = await this.control.membership.findUnique({
      where: { userId_tenantId: { userId, tenantId } },
      select: { role: true },
    });
    return membership?.role ?? null;
  }

  /** Those of `userIds` who are members of the tenant now, with their name and email. */
  async findMembers(tenantId: string, userIds: readonly string[]): Promise<TenantMember[]> {
    if (userIds.length === 0) return [];
    const rows = await this.control.membership.findMany({
      where: { tenantId, userId: { in: [...userIds] } },
      include: { user: { select: { name: true, email: true } } },
    });
    return rows.map((m) => ({ userId: m.userId, name: m.user.name, email: m.user.email, role: m.role }));
  }
}
