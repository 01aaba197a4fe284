import { Injectable } from '@nestjs/common';
import {
  type ControlPrisma,
  ControlDatabase,
  isUniqueViolation,
  type Membership,
  MembershipRole,
  type Tenant,
  type User,
} from '@helpdeskly/database';

export type MembershipWithTenant = Membership & { tenant: Tenant };
export type MembershipWithUser = Membership & { user: User };

/** Membership rows (user x tenant, with a role). Every query names its tenant or its user. */
@Injectable()
export class MembershipsRepository {
  constructor(private readonly db: ControlDatabase) {}

  find(userId: string, tenantId: string): Promise<MembershipWithTenant | null> {
    return this.db.membership.findUnique({
      where: { userId_tenantId: { userId, tenantId } },
      include: { tenant: true },
    });
  }

  findByTenantSlug(userId: string, slug: string): Promise<MembershipWithTenant | null> {
    return this.db.membership.findFirst({ where: { userId, tenant: { slug } }, include: { tenant: true } });
  }

  /** The user's memberships, oldest first. */
  listForUser(userId: string): Promise<MembershipWithTenant[]> {
    return this.db.membership.findMany({
      where: { userId },
      include: { tenant: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** The tenant's members, oldest first. */
  listForTenant(tenantId: string): Promise<MembershipWithUser[]> {
    return this.db.membership.findMany({
      where: { tenantId },
      include: { user: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** The new membership, or null when the user is already a member of the tenant. */
  async create(data: { userId: string; tenantId: string; role: MembershipRole }): Promise<Membership | null> {
    try {
      return await this.db.membership.create({ data });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** The updated membership, or null when there is none. */
  async updateRole(userId: string, tenantId: string, role: MembershipRole): Promise<Membership | null> {
    const { count } = await this.db.membership.updateMany({ where: { userId, tenantId }, data: { role } });
    return count === 0 ? null : this.db.membership.findUnique({ where: { userId_tenantId: { userId, tenantId } } });
  }

  /** True when a membership was removed. */
  async delete(userId: string, tenantId: string): Promise<boolean> {
    const { count } = await this.db.membership.deleteMany({ where: { userId, tenantId } });
    return count === 1;
  }

  countByRole(tenantId: string, role: MembershipRole): Promise<number> {
    return this.db.membership.count({ where: { tenantId, role } });
  }

  /**
   * Changes a member's role under the tenant's membership lock, so that two concurrent changes
   * cannot both see another OWNER and leave none. `decide` gets the membership and the tenant's
   * OWNER count, and returns the new role or throws to refuse (nothing is written). Null when the
   * user is not a member of the tenant.
   */
  async changeRoleLocked(
    userId: string,
    tenantId: string,
    decide: (current: Membership, owners: number) => MembershipRole,
  ): Promise<{ before: MembershipWithUser; after: MembershipWithUser } | null> {
    return this.db.$transaction(async (tx) => {
      const locked = await this.lockTenantMemberships(tx, userId, tenantId);
      if (!locked) return null;
      const role = decide(locked.current, locked.owners);
      const after =
        role === locked.current.role
          ? locked.current
          : await tx.membership.update({ where: { id: locked.current.id }, data: { role }, include: { user: true } });
      return { before: locked.current, after };
    });
  }

  /**
   * Removes a membership under the same lock, after `check` (which throws to refuse), and revokes
   * the user's refresh tokens of that tenant in the same transaction. Null when there is none.
   */
  async removeLocked(
    userId: string,
    tenantId: string,
    check: (current: Membership, owners: number) => void,
    revokeReason: string,
  ): Promise<{ removed: MembershipWithUser; revokedSessions: number } | null> {
    return this.db.$transaction(async (tx) => {
      const locked = await this.lockTenantMemberships(tx, userId, tenantId);
      if (!locked) return null;
      check(locked.current, locked.owners);
      await tx.membership.delete({ where: { id: locked.current.id } });
      const live = { userId, tenantId, revokedAt: null };
      const families = await tx.refreshToken.findMany({
        where: live,
        distinct: ['familyId'],
        select: { familyId: true },
      });
      await tx.refreshToken.updateMany({ where: live, data: { revokedAt: new Date(), revokedReason: revokeReason } });
      return { removed: locked.current, revokedSessions: families.length };
    });
  }

  /** Serializes role changes and removals of one tenant (transaction-scoped advisory lock); reads the membership and the OWNER count under it. */
  private async lockTenantMemberships(
    tx: ControlPrisma.TransactionClient,
    userId: string,
    tenantId: string,
  ): Promise<{ current: MembershipWithUser; owners: number } | null> {
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`memberships:${tenantId}`}, 0))::text`;
    const current = await tx.membership.findUnique({
      where: { userId_tenantId: { userId, tenantId } },
      include: { user: true },
    });
    if (!current) return null;
    return { current, owners: await tx.membership.count({ where: { tenantId, role: MembershipRole.OWNER } }) };
  }
}
