import { Injectable, Logger } from '@nestjs/common';
import { withTimeout } from '@helpdeskly/async';
import { CACHE_NAMESPACES, SharedCache, membershipKey } from '@helpdeskly/cache';
import type { Tenant, User } from '@helpdeskly/database';
import { AuditService } from '@helpdeskly/audit';
import { slugTaken, TenantsService } from '@helpdeskly/tenants';
import type { ClientInfo } from '../common/client-info';
import type { MembershipWithTenant } from '../users/memberships.repository';
import { UsersRepository } from '../users/users.repository';
import { AuthenticationErrorCode, AuthenticationException } from './auth.errors';
import type { SignupDto } from './dto/signup.dto';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy';
import { SignupRepository } from './signup.repository';

/**
 * How long sign-up waits for the new tenant's database. Creating one takes about a second; past
 * this, sign-up answers with the tenant still PROVISIONING and its provisioning job finishes it.
 */
export const SIGNUP_PROVISIONING_WAIT_MS = 10_000;

export interface Registration {
  readonly user: User;
  /** The OWNER membership, with the tenant as it stands when sign-up answers. */
  readonly membership: MembershipWithTenant;
}

/**
 * Sign-up's rules: the user, their tenant and their OWNER membership are registered in one control
 * database transaction (all or nothing), then the tenant is provisioned, its durable job first.
 */
@Injectable()
export class SignupService {
  private readonly logger = new Logger(SignupService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly signups: SignupRepository,
    private readonly hasher: PasswordHasher,
    private readonly passwords: PasswordPolicy,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
    private readonly cache: SharedCache,
  ) {}

  async register(dto: SignupDto, client: ClientInfo): Promise<Registration> {
    this.passwords.assertAcceptable(dto.password, { email: dto.email, name: dto.name });
    // Checked first so a taken email costs no hashing; the unique index still decides races.
    if (await this.users.findByEmail(dto.email)) emailTaken();
    const passwordHash = await this.hasher.hash(dto.password);
    const planned = await this.tenants.plan({ slug: dto.tenantSlug, name: dto.tenantName });
    const outcome = await this.signups.register({ email: dto.email, name: dto.name, passwordHash }, planned.row);
    if (outcome.status === 'email_taken') emailTaken();
    if (outcome.status === 'slug_taken') slugTaken(dto.tenantSlug);
    const { user, membership } = outcome;
    await this.cache.namespace(CACHE_NAMESPACES.membership).invalidate(membershipKey(membership.tenantId, user.id));
    await this.audit.record({
      action: 'auth.signup',
      tenantId: membership.tenantId,
      actorUserId: user.id,
      targetType: 'user',
      targetId: user.id,
      ...client,
      metadata: { tenantSlug: membership.tenant.slug },
    });
    const tenant = await this.provision(membership.tenant, planned.databaseServer, user.id);
    return { user, membership: { ...membership, tenant } };
  }

  /** The tenant ACTIVE, or as it stands when the inline attempt failed or outlasted the wait: its job carries on. */
  private async provision(tenant: Tenant, databaseServer: string, actorUserId: string): Promise<Tenant> {
    try {
      return await withTimeout(
        this.tenants.provisionInserted(tenant, databaseServer, actorUserId),
        SIGNUP_PROVISIONING_WAIT_MS,
        () => new Error(`not provisioned within ${SIGNUP_PROVISIONING_WAIT_MS} ms`),
      );
    } catch (error) {
      this.logger.warn(
        { err: error, tenantId: tenant.id },
        'sign-up answers before the tenant is ACTIVE; its provisioning job finishes it',
      );
      return this.tenants.findById(tenant.id);
    }
  }
}

function emailTaken(): never {
  throw new AuthenticationException(
    AuthenticationErrorCode.EmailTaken,
    'An account with this email already exists; log in instead.',
  );
}
