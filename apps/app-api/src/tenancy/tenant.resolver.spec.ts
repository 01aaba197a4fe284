import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { AuthContext, MembershipRoleName } from '@helpdeskly/auth';
import { CACHE_NAMESPACES, type CacheNamespace, membershipKey, type SharedCache } from '@helpdeskly/cache';
import type { AppConfig } from '@helpdeskly/config';
import { TenantStatus } from '@helpdeskly/database';
import {
  TenancyErrorCode,
  type TenantDirectoryRepository,
  TenantLocator,
  type TenantMember,
  type TenantRecord,
} from '@helpdeskly/tenant-data';
import { TenantMembersService } from './tenant-members.service';
import { TenantResolver } from './tenant.resolver';

const TENANT = '11111111-1111-4111-8111-111111111111';
const USER = '22222222-2222-4222-8222-222222222222';

/** The control database as the directory sees it, counting its reads. */
class FakeDirectory {
  readonly tenants = new Map<string, TenantRecord>();
  readonly roles = new Map<string, MembershipRoleName>();
  reads = 0;

  async findTenant(tenantId: string): Promise<TenantRecord | null> {
    this.reads++;
    return this.tenants.get(tenantId) ?? null;
  }

  async findRole(tenantId: string, userId: string): Promise<MembershipRoleName | null> {
    this.reads++;
    return this.roles.get(membershipKey(tenantId, userId)) ?? null;
  }

  async findMembers(): Promise<TenantMember[]> {
    return [];
  }
}

/** The shared cache in one process: loads once per key until invalidated, as the real one does. */
class FakeCache {
  private readonly namespaces = new Map<string, Map<string, Promise<unknown>>>();

  namespace<V>(name: string): CacheNamespace<V> {
    let entries = this.namespaces.get(name);
    if (!entries) this.namespaces.set(name, (entries = new Map()));
    const held = entries;
    return {
      getOrLoad: (key, load) => {
        if (!held.has(key)) held.set(key, load());
        return held.get(key) as Promise<V | null>;
      },
      invalidate: async (key) => void held.delete(key),
    };
  }
}

const tenantRow = (over: Partial<TenantRecord> = {}): TenantRecord => ({
  id: TENANT,
  slug: 'acme',
  name: 'Acme',
  status: TenantStatus.ACTIVE,
  settings: { emailSenderName: 'Acme Support' },
  databaseName: 'tenant_acme',
  pgbouncerHost: 'pgbouncer.internal',
  pgbouncerPort: 6432,
  ...over,
});

const auth = (over: Partial<AuthContext> = {}): AuthContext => ({
  userId: USER,
  tenantId: TENANT,
  role: 'AGENT',
  isPlatformAdmin: false,
  tokenId: 'tok-1',
  sessionId: 'sid-1',
  issuedAt: 0,
  ...over,
});

function setup() {
  const directory = new FakeDirectory();
  const cache = new FakeCache();
  const config = { tenancy: { gateway: { role: 'gateway', password: 'secret' } } } as AppConfig;
  const shared = cache as unknown as SharedCache;
  const members = new TenantMembersService(directory as unknown as TenantDirectoryRepository, shared);
  const locator = new TenantLocator(directory as unknown as TenantDirectoryRepository, config, shared);
  const sut = new TenantResolver(locator, members);
  return { sut, locator, directory, cache };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { problem?: { code?: string } }).problem?.code;
  }
}

describe(TenantResolver.name, () => {
  it("resolves an ACTIVE tenant with the caller's current role, not the token's", async () => {
    const { sut, directory } = setup();
    directory.tenants.set(TENANT, tenantRow());
    directory.roles.set(membershipKey(TENANT, USER), 'ADMIN');

    const { context, connection } = await sut.resolve(auth({ role: 'AGENT' }));

    expect(context).toEqual({
      tenantId: TENANT,
      slug: 'acme',
      name: 'Acme',
      userId: USER,
      role: 'ADMIN',
      settings: { emailSenderName: 'Acme Support' },
    });
    expect(connection).toMatchObject({
      tenantId: TENANT,
      url: 'postgresql://gateway:secret@pgbouncer.internal:6432/tenant_acme',
    });
  });

  it('refuses a caller who is no longer a member, and sees a new role once the membership is invalidated', async () => {
    const { sut, directory, cache } = setup();
    directory.tenants.set(TENANT, tenantRow());
    expect(await codeOf(sut.resolve(auth()))).toBe(TenancyErrorCode.MembershipRevoked);

    directory.roles.set(membershipKey(TENANT, USER), 'AGENT');
    // Cached (negative caching): only control-api's invalidation makes the new membership visible.
    expect(await codeOf(sut.resolve(auth()))).toBe(TenancyErrorCode.MembershipRevoked);
    await cache.namespace(CACHE_NAMESPACES.membership).invalidate(membershipKey(TENANT, USER));
    expect((await sut.resolve(auth())).context.role).toBe('AGENT');
  });

  it('refuses a suspended tenant with tenant_suspended, one being created with tenant_provisioning, and any other status or none with tenant_unavailable', async () => {
    for (const [status, code] of [
      [TenantStatus.SUSPENDED, TenancyErrorCode.TenantSuspended],
      [TenantStatus.PROVISIONING, TenancyErrorCode.TenantProvisioning],
      [TenantStatus.FAILED, TenancyErrorCode.TenantProvisioning],
      [TenantStatus.DELETING, TenancyErrorCode.TenantUnavailable],
      [TenantStatus.DELETED, TenancyErrorCode.TenantUnavailable],
    ] as const) {
      const { sut, directory } = setup();
      directory.tenants.set(TENANT, tenantRow({ status }));
      directory.roles.set(membershipKey(TENANT, USER), 'OWNER');
      expect(await codeOf(sut.resolve(auth()))).toBe(code);
    }
    const { sut, directory } = setup();
    directory.roles.set(membershipKey(TENANT, USER), 'OWNER');
    expect(await codeOf(sut.resolve(auth()))).toBe(TenancyErrorCode.TenantUnavailable);
  });

  it('never asks the directory for a tenant id that is not a UUID', async () => {
    const { locator, directory } = setup();
    expect(await codeOf(locator.activeTenant('not-a-uuid'))).toBe(TenancyErrorCode.TenantUnavailable);
    expect(directory.reads).toBe(0);
  });

  it('builds one connection per cached row, and a new version when the tenant moves to another server', async () => {
    const { locator, directory, cache } = setup();
    directory.tenants.set(TENANT, tenantRow());
    const first = await locator.activeTenant(TENANT);
    expect(await locator.activeTenant(TENANT)).toBe(first);
    expect(directory.reads).toBe(1);

    directory.tenants.set(TENANT, tenantRow({ pgbouncerHost: 'pgbouncer-2.internal' }));
    await cache.namespace(CACHE_NAMESPACES.tenant).invalidate(TENANT);
    const moved = await locator.activeTenant(TENANT);
    expect(moved.connection.version).not.toBe(first.connection.version);
    expect(moved.connection.url).toContain('pgbouncer-2.internal');
  });
});
