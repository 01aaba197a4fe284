import type { AppConfig } from '@helpdeskly/config';
import { type Tenant, type User, MembershipRole } from '@helpdeskly/database';
import {
  httpRequest,
  type HttpRequestOptions,
  type HttpResult,
  type RunningTestApp,
  startTestApp,
  testConfig,
} from '@helpdeskly/testing';
import { ControlFixture, type FixtureMember, type FixtureUser } from '../../../control-api/src/testing/control-fixture';
import { APP_API } from '../app-api';
import { AppApiModule } from '../app-api.module';
import type { TenantContext } from '../tenancy/tenant-context';
import { TenantDatabase } from '@helpdeskly/tenant-data';

export type { FixtureMember, FixtureUser, HttpResult };

/** The OWNER of a new tenant, with an access token for it. */
export type TenantWithOwner = FixtureMember;

/**
 * app-api running on a free port, with a control fixture (the control-api module, in the same
 * process and test control database) to make tenants, users, memberships and tokens.
 */
export class AppFixture {
  private constructor(
    readonly running: RunningTestApp,
    readonly control: ControlFixture,
  ) {}

  get app() {
    return this.running.app;
  }

  /** A new, provisioned ACTIVE tenant and its OWNER. */
  async createTenantWithOwner(): Promise<TenantWithOwner> {
    const tenant = await this.control.createTenant();
    return this.control.member(tenant, MembershipRole.OWNER);
  }

  /** A new user who is `role` of `tenant`, with an access token. */
  addMember(tenant: Tenant, role: MembershipRole = MembershipRole.AGENT): Promise<FixtureMember> {
    return this.control.member(tenant, role);
  }

  /** An access token of `user` in `tenant` claiming `role` (AGENT unless given); app-api checks the membership itself. */
  tokenFor(user: User, tenant: Tenant, role: MembershipRole = MembershipRole.AGENT): string {
    return this.control.tokenFor(user, tenant, role);
  }

  /** Runs `fn` with the tenant's database as TenantDatabase.client(), e.g. to seed rows. */
  asTenant<T>(member: FixtureMember, fn: (db: TenantDatabase) => Promise<T>): Promise<T> {
    const db = this.app.get(TenantDatabase);
    const context: TenantContext = {
      tenantId: member.tenant.id,
      slug: member.tenant.slug,
      name: member.tenant.name,
      userId: member.user.id,
      role: member.role,
      settings: {},
    };
    return db.run(context, () => fn(db));
  }

  request<T = any>(method: string, path: string, options: HttpRequestOptions = {}): Promise<HttpResult<T>> {
    return httpRequest<T>(this.running.baseUrl, method, path, options);
  }

  /** Stops app-api (disconnecting every tenant client), then deletes the tenants made and stops the control fixture. */
  async close(): Promise<void> {
    try {
      await this.running.close();
    } finally {
      await this.control.close();
    }
  }

  static async start(overrides: Record<string, string> = {}): Promise<AppFixture> {
    const control = await ControlFixture.start(overrides);
    try {
      const config = testConfig(overrides);
      return new AppFixture(await startTestApp(AppApiModule.forRoot(config), { config, api: APP_API }), control);
    } catch (error) {
      await control.close();
      throw error;
    }
  }
}

/** app-api and a control fixture; see {@link AppFixture}. */
/** app-api alone, on a free port, beside a control-api a test started itself (same configuration). */
export const startAppApiWith = (config: AppConfig): Promise<RunningTestApp> =>
  startTestApp(AppApiModule.forRoot(config), { config, api: APP_API });

export const startAppApi = (overrides: Record<string, string> = {}): Promise<AppFixture> => AppFixture.start(overrides);
