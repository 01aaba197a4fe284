import { randomBytes, randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { AccessTokenService } from '@helpdeskly/auth';
import { ControlDatabase, MembershipRole, SecretBox, type Tenant, TenantStatus, type User } from '@helpdeskly/database';
import {
  httpRequest,
  type HttpRequestOptions,
  type HttpResult,
  type RunningTestApp,
  startTestApp,
  testConfig,
  waitFor,
} from '@helpdeskly/testing';
import type { EmailMessage } from '@helpdeskly/mail';
import { QUEUES } from '@helpdeskly/queues';
import { CONTROL_API } from '../control-api';
import { ControlApiModule } from '../control-api.module';
import { PasswordHasher } from '../auth/password-hasher.service';
import { ProvisioningHooks, TenantsService } from '@helpdeskly/tenants';
import { TENANT_STATUS_PATH } from '../tenants/tenant-status.controller';
import { generateRecoveryCodes, hashRecoveryCode } from '../two-factor/recovery-codes';
import { TotpService } from '../two-factor/totp.service';
import { MembershipsRepository } from '../users/memberships.repository';
import { UsersRepository } from '../users/users.repository';

/** A user of the fixture with the password they were given. */
export interface FixtureUser {
  readonly user: User;
  readonly password: string;
  /** The TOTP secret of a user enrolled in 2FA (otplib's generate() makes their codes). */
  readonly totpSecret?: string;
}

/** A member of a tenant with an access token for it. */
export interface FixtureMember extends FixtureUser {
  readonly tenant: Tenant;
  readonly role: MembershipRole;
  readonly token: string;
}

/** A platform admin is enrolled in 2FA unless `twoFactor: false` (the admin routes refuse them otherwise). */
export interface UserOptions {
  readonly isPlatformAdmin?: boolean;
  readonly twoFactor?: boolean;
}

/** What sign-up answers (201 or 202): the session, whose `tenant.status` says whether to wait. */
export interface SignupAnswer {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly user: { readonly id: string; readonly email: string };
  readonly tenant: { readonly id: string; readonly slug: string; readonly status: TenantStatus };
  readonly role: MembershipRole;
}

/** A sign-up sent by {@link ControlFixture.signup}: what was sent, and the answer. */
export interface SignupAttempt {
  readonly email: string;
  readonly password: string;
  readonly tenantSlug: string;
  readonly answer: HttpResult<SignupAnswer>;
}

/** control-api's OpenAPI description, for tests that check both APIs' documents. */
export { CONTROL_API };
export type { ProvisioningStep } from '@helpdeskly/tenants';

/** Unique enough for names, slugs and emails of parallel test files. */
export const uniqueSuffix = () => randomBytes(5).toString('hex');

/**
 * control-api over HTTP with tenants, users, memberships and access tokens made the way the app
 * makes them (TenantsService, PasswordHasher, the repositories, AccessTokenService), before the
 * sign-up and login endpoints are used. close() deletes every tenant it created (database and role).
 */
export class ControlFixture {
  private readonly tenantIds: string[] = [];

  private constructor(readonly running: RunningTestApp) {}

  static async start(overrides: Record<string, string> = {}): Promise<ControlFixture> {
    const config = testConfig(overrides);
    return new ControlFixture(await startTestApp(ControlApiModule.forRoot(config), { config, api: CONTROL_API }));
  }

  get db(): ControlDatabase {
    return this.running.app.get(ControlDatabase);
  }

  /** The tenant lifecycle (suspend, resume, delete) as an operator drives it. */
  get lifecycle(): TenantsService {
    return this.running.app.get(TenantsService);
  }

  /** Called after each step of provisioning and deletion (a no-op): a test replaces `afterStep` to fail or hold one. */
  get provisioningHooks(): ProvisioningHooks {
    return this.running.app.get(ProvisioningHooks);
  }

  get emailQueue(): Queue<EmailMessage> {
    return this.running.app.get<Queue<EmailMessage>>(getQueueToken(QUEUES.email));
  }

  async createTenant(): Promise<Tenant> {
    const suffix = uniqueSuffix();
    const tenant = await this.running.app
      .get(TenantsService)
      .createTenant({ slug: `fx-${suffix}`, name: `Fixture ${suffix}` });
    this.tenantIds.push(tenant.id);
    return tenant;
  }

  /**
   * POST /v1/auth/signup as a client sends it, with a new email and slug (the answer is not
   * waited past: see {@link untilTenantActive}). The tenant, when made, is deleted in close().
   */
  async signup(): Promise<SignupAttempt> {
    const suffix = uniqueSuffix();
    const form = {
      email: `owner-${suffix}@fixture.test`,
      password: `Fixture-Password-${suffix}`,
      name: `Owner ${suffix}`,
      tenantName: `Signup ${suffix}`,
      tenantSlug: `signup-${suffix}`,
    };
    const answer = await this.request<SignupAnswer>('POST', '/v1/auth/signup', { body: form });
    if (answer.body?.tenant?.id) this.tenantIds.push(answer.body.tenant.id);
    return { ...form, answer };
  }

  /** `twoFactor` (default: whether they are a platform admin, who need it) enrols them in TOTP. */
  async createUser(
    options: UserOptions & { email?: string; name?: string; password?: string } = {},
  ): Promise<FixtureUser> {
    const suffix = uniqueSuffix();
    const password = options.password ?? `Fixture-Password-${suffix}`;
    const passwordHash = await this.running.app.get(PasswordHasher).hash(password);
    const user = await this.running.app.get(UsersRepository).create({
      email: options.email ?? `user-${suffix}@fixture.test`,
      name: options.name ?? `User ${suffix}`,
      passwordHash,
      isPlatformAdmin: options.isPlatformAdmin,
    });
    if (!user) throw new Error('fixture user email taken');
    if (!(options.twoFactor ?? options.isPlatformAdmin)) return { user, password };
    return { ...(await this.enrollTwoFactor(user)), password };
  }

  /** Enables TOTP for `user` as /v1/auth/2fa/setup and /enable would (sealed secret, recovery codes). */
  async enrollTwoFactor(user: User): Promise<{ user: User; totpSecret: string }> {
    const users = this.running.app.get(UsersRepository);
    const totpSecret = this.running.app.get(TotpService).generateSecret();
    const sealed = this.running.app.get(SecretBox).seal(totpSecret);
    await users.setPendingTotpSecret(user.id, sealed);
    if (!(await users.enableTotp(user.id, sealed, generateRecoveryCodes().map(hashRecoveryCode))))
      throw new Error('fixture 2FA enrolment raced');
    return { user: (await users.findById(user.id))!, totpSecret };
  }

  /** Makes `user` a member of `tenant` and signs an access token for that membership. */
  async addMember(fixtureUser: FixtureUser, tenant: Tenant, role: MembershipRole): Promise<FixtureMember> {
    await this.running.app
      .get(MembershipsRepository)
      .create({ userId: fixtureUser.user.id, tenantId: tenant.id, role });
    return { ...fixtureUser, tenant, role, token: this.tokenFor(fixtureUser.user, tenant, role) };
  }

  /** A new user who is `role` of `tenant`, with an access token. */
  async member(
    tenant: Tenant,
    role: MembershipRole = MembershipRole.AGENT,
    options: UserOptions = {},
  ): Promise<FixtureMember> {
    return this.addMember(await this.createUser(options), tenant, role);
  }

  /** A token of a session of its own (a new `sid`, with no refresh token behind it). */
  tokenFor(user: User, tenant: Tenant, role: MembershipRole, isPlatformAdmin = user.isPlatformAdmin): string {
    return this.running.app
      .get(AccessTokenService)
      .signAccess({ userId: user.id, tenantId: tenant.id, role, isPlatformAdmin, sessionId: randomUUID() }).token;
  }

  request<T = any>(method: string, path: string, options: HttpRequestOptions = {}): Promise<HttpResult<T>> {
    return httpRequest<T>(this.running.baseUrl, method, path, options);
  }

  /** Deletes the tenants it created (database and role dropped), then stops the app. */
  async close(): Promise<void> {
    const service = this.running.app.get(TenantsService);
    try {
      for (const tenantId of this.tenantIds) await service.deleteTenant(tenantId);
    } finally {
      await this.running.close();
    }
  }
}

/**
 * Waits, as a client told 202 at sign-up does, until the tenant of `accessToken` is ACTIVE: polls
 * control-api's GET /v1/tenants/current (done at once when sign-up answered 201).
 */
export async function untilTenantActive(
  controlBaseUrl: string,
  accessToken: string,
  timeoutMs = 30_000,
): Promise<void> {
  let status: string | undefined;
  await waitFor(
    'the tenant to be ACTIVE',
    async () => {
      const answer = await httpRequest<{ status?: string }>(controlBaseUrl, 'GET', TENANT_STATUS_PATH, {
        token: accessToken,
      });
      status = answer.body?.status;
      return status === TenantStatus.ACTIVE;
    },
    timeoutMs,
    200,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; last status ${status}`);
  });
}

/** Polls `probe` until it returns something, and returns it (work done after a 202 lands shortly after). */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  let found: T | null | undefined;
  await waitFor(what, async () => (found = await probe()) !== null && found !== undefined, timeoutMs);
  return found as T;
}
