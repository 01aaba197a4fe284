import { Injectable } from '@nestjs/common';
import {
  ControlDatabase,
  type Invitation,
  isUniqueViolation,
  type Membership,
  type MembershipRole,
  type Tenant,
  type User,
} from '@helpdeskly/database';

export type InvitationWithTenant = Invitation & { tenant: Tenant };

/** Who accepts: a user who exists, or the account to create (hash already computed). */
export type InvitationAccount =
  { readonly userId: string } | { readonly newUser: { readonly name: string; readonly passwordHash: string } };

export type AcceptOutcome =
  | { readonly status: 'accepted'; readonly user: User; readonly membership: Membership }
  /** Spent, revoked or expired by another request meanwhile. */
  | { readonly status: 'claimed_meanwhile' }
  | { readonly status: 'already_member' }
  | { readonly status: 'email_taken' };

/** Invitations of a tenant (token hashes only). Every query but the token lookup names its tenant. */
@Injectable()
export class InvitationsRepository {
  constructor(private readonly db: ControlDatabase) {}

  /** A new invitation; pending ones for the same email in the tenant are revoked, so only the newest link works. */
  async replacePending(data: {
    tenantId: string;
    email: string;
    role: MembershipRole;
    tokenHash: string;
    invitedById: string;
    expiresAt: Date;
  }): Promise<InvitationWithTenant> {
    const now = new Date();
    return this.db.$transaction(async (tx) => {
      await tx.invitation.updateMany({
        where: { tenantId: data.tenantId, email: data.email, acceptedAt: null, revokedAt: null },
        data: { revokedAt: now },
      });
      return tx.invitation.create({ data, include: { tenant: true } });
    });
  }

  /** Neither accepted, revoked nor expired; newest first. */
  listPending(tenantId: string, now: Date): Promise<Invitation[]> {
    return this.db.invitation.findMany({
      where: { tenantId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  findById(tenantId: string, id: string): Promise<Invitation | null> {
    return this.db.invitation.findFirst({ where: { id, tenantId } });
  }

  /** True when it was pending and is now revoked. */
  async revoke(tenantId: string, id: string, now: Date): Promise<boolean> {
    const { count } = await this.db.invitation.updateMany({
      where: { id, tenantId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    return count === 1;
  }

  findByTokenHash(tokenHash: string): Promise<InvitationWithTenant | null> {
    return this.db.invitation.findUnique({ where: { tokenHash }, include: { tenant: true } });
  }

  /**
   * In one transaction: spends the invitation (only if still pending and unexpired), creates the
   * user when needed, and the membership with the invited role. Nothing is written unless all succeed.
   */
  async accept(invitation: Invitation, account: InvitationAccount, now: Date): Promise<AcceptOutcome> {
    try {
      return await this.db.$transaction(async (tx) => {
        const { count } = await tx.invitation.updateMany({
          where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
          data: { acceptedAt: now },
        });
        if (count === 0) return { status: 'claimed_meanwhile' } as const;
        const user =
          'userId' in account
            ? await tx.user.findUniqueOrThrow({ where: { id: account.userId } })
            : await tx.user
                .create({
                  data: {
                    email: invitation.email,
                    name: account.newUser.name,
                    passwordHash: account.newUser.passwordHash,
                  },
                })
                .catch(rethrowAs('email_taken'));
        const membership = await tx.membership
          .create({ data: { userId: user.id, tenantId: invitation.tenantId, role: invitation.role } })
          .catch(rethrowAs('already_member'));
        return { status: 'accepted', user, membership } as const;
      });
    } catch (error) {
      if (error instanceof UniqueConflict) return { status: error.outcome };
      throw error;
    }
  }
}

/** A unique violation inside the transaction, named after what it means; it rolls the transaction back. */
class UniqueConflict extends Error {
  constructor(readonly outcome: 'email_taken' | 'already_member') {
    super(outcome);
  }
}

const rethrowAs =
  (outcome: UniqueConflict['outcome']) =>
  (error: unknown): never => {
    throw isUniqueViolation(error) ? new UniqueConflict(outcome) : error;
  };
