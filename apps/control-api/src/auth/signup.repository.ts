import { Injectable } from '@nestjs/common';
import { ControlDatabase, isUniqueViolation, MembershipRole, TenantStatus, type User } from '@helpdeskly/database';
import type { NewTenant } from '@helpdeskly/tenants';
import type { MembershipWithTenant } from '../users/memberships.repository';
import { normalizeEmail } from '../users/users.repository';

export interface NewAccount {
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
}

export type RegistrationOutcome =
  | { readonly status: 'registered'; readonly user: User; readonly membership: MembershipWithTenant }
  | { readonly status: 'email_taken' }
  | { readonly status: 'slug_taken' };

/** The rows of a sign-up: a user, their tenant and their OWNER membership, written together or not at all. */
@Injectable()
export class SignupRepository {
  constructor(private readonly db: ControlDatabase) {}

  /**
   * In one transaction: the user, the tenant (PROVISIONING) and the OWNER membership. A taken email
   * or slug (the unique indexes decide, races included) or any other failure writes nothing.
   */
  async register(account: NewAccount, tenant: NewTenant): Promise<RegistrationOutcome> {
    try {
      return await this.db.$transaction(async (tx) => {
        const user = await tx.user
          .create({ data: { ...account, email: normalizeEmail(account.email) } })
          .catch(rethrowAs('email_taken'));
        await tx.tenant
          .create({ data: { ...tenant, status: TenantStatus.PROVISIONING } })
          .catch(rethrowAs('slug_taken'));
        const membership = await tx.membership.create({
          data: { userId: user.id, tenantId: tenant.id, role: MembershipRole.OWNER },
          include: { tenant: true },
        });
        return { status: 'registered', user, membership } as const;
      });
    } catch (error) {
      if (error instanceof UniqueConflict) return { status: error.outcome };
      throw error;
    }
  }
}

/** A unique violation inside the transaction, named after what it means; it rolls the transaction back. */
class UniqueConflict extends Error {
  constructor(readonly outcome: 'email_taken' | 'slug_taken') {
    super(outcome);
  }
}

const rethrowAs =
  (outcome: UniqueConflict['outcome']) =>
  (error: unknown): never => {
    throw isUniqueViolation(error) ? new UniqueConflict(outcome) : error;
  };
