import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { CacheNamespace, SharedCache } from '@helpdeskly/cache';
import { MembershipRole, type Tenant, TenantStatus, type User } from '@helpdeskly/database';
import type { AuditService, AuditEntry } from '@helpdeskly/audit';
import type { NewTenant, CreateTenantInput, PlannedTenant, TenantsService } from '@helpdeskly/tenants';
import type { MembershipWithTenant } from '../users/memberships.repository';
import type { UsersRepository } from '../users/users.repository';
import { AuthenticationErrorCode, AuthenticationException } from './auth.errors';
import type { SignupDto } from './dto/signup.dto';
import type { PasswordHasher } from './password-hasher.service';
import type { PasswordPolicy } from './password-policy';
import type { NewAccount, RegistrationOutcome, SignupRepository } from './signup.repository';
import { SIGNUP_PROVISIONING_WAIT_MS, SignupService } from './signup.service';

/** The control database's rows of sign-up, with its unique emails and slugs; `failNext` makes a registration fail as a whole. */
class FakeSignupRepository {
  readonly users = new Map<string, User>();
  readonly tenants = new Map<string, Tenant>();
  readonly memberships: MembershipWithTenant[] = [];
  failNext?: Error;

  async register(account: NewAccount, tenant: NewTenant): Promise<RegistrationOutcome> {
    if (this.failNext) throw this.failNext;
    const email = account.email.toLowerCase();
    if (this.users.has(email)) return { status: 'email_taken' };
    if ([...this.tenants.values()].some((t) => t.slug === tenant.slug)) return { status: 'slug_taken' };
    const user = { id: `user-${this.users.size + 1}`, ...account, email } as unknown as User;
    const row = { ...tenant, status: TenantStatus.PROVISIONING } as unknown as Tenant;
    const membership = {
      id: `m-${this.memberships.length + 1}`,
      userId: user.id,
      tenantId: row.id,
      role: MembershipRole.OWNER,
      tenant: row,
    } as unknown as MembershipWithTenant;
    this.users.set(email, user);
    this.tenants.set(row.id, row);
    this.memberships.push(membership);
    return { status: 'registered', user, membership };
  }
}

/** Users as sign-up's early check reads them; `stale` misses what another request registered meanwhile. */
class FakeUsersRepository {
  stale = false;

  constructor(private readonly rows: FakeSignupRepository) {}

  async findByEmail(email: string): Promise<User | null> {
    return this.stale ? null : (this.rows.users.get(email.toLowerCase()) ?? null);
  }
}

type Provisioning = 'succeeds' | 'fails' | 'hangs';

/** The part of TenantsService sign-up uses; provisioning succeeds, fails (the row FAILED) or never ends. */
class FakeTenants {
  provisioning: Provisioning = 'succeeds';
  readonly calls: string[] = [];

  constructor(private readonly rows: FakeSignupRepository) {}

  async plan(input: CreateTenantInput): Promise<PlannedTenant> {
    this.calls.push(`plan ${input.slug}`);
    const id = `tenant-${input.slug}`;
    return {
      row: {
        id,
        slug: input.slug,
        name: input.name,
        databaseServerId: 'server-1',
        databaseName: `tenant_${id}`,
        databaseRole: `tenant_${id}`,
        databasePasswordEnc: 'sealed',
      },
      databaseServer: 'primary',
    };
  }

  provisionInserted(tenant: Tenant, databaseServer: string, actorUserId?: string | null): Promise<Tenant> {
    this.calls.push(`provision ${tenant.slug} on ${databaseServer} by ${actorUserId}`);
    if (!this.rows.tenants.has(tenant.id)) throw new Error(`${tenant.slug} provisioned before it was registered`);
    if (this.provisioning === 'hangs') return new Promise(() => undefined);
    const status = this.provisioning === 'succeeds' ? TenantStatus.ACTIVE : TenantStatus.FAILED;
    const row = { ...this.rows.tenants.get(tenant.id)!, status };
    this.rows.tenants.set(tenant.id, row);
    return status === TenantStatus.ACTIVE ? Promise.resolve(row) : Promise.reject(new Error('createdb failed'));
  }

  async findById(tenantId: string): Promise<Tenant> {
    return this.rows.tenants.get(tenantId)!;
  }
}

class FakeAudit {
  readonly entries: AuditEntry[] = [];

  async record(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
}

class FakeCache {
  readonly invalidated: string[] = [];

  namespace<V>(name: string): CacheNamespace<V> {
    return {
      getOrLoad: async () => null,
      invalidate: async (key: string) => void this.invalidated.push(`${name}:${key}`),
    };
  }
}

const WEAK = 'password1';

function setup() {
  const rows = new FakeSignupRepository();
  const users = new FakeUsersRepository(rows);
  const tenants = new FakeTenants(rows);
  const audit = new FakeAudit();
  const cache = new FakeCache();
  const hashed: string[] = [];
  const hasher = { hash: async (password: string) => (hashed.push(password), `bcrypt(${password})`) };
  const passwords = {
    assertAcceptable: (password: string) => {
      if (password === WEAK) throw new AuthenticationException(AuthenticationErrorCode.WeakPassword, 'weak');
    },
  };
  const sut = new SignupService(
    users as unknown as UsersRepository,
    rows as unknown as SignupRepository,
    hasher as unknown as PasswordHasher,
    passwords as unknown as PasswordPolicy,
    tenants as unknown as TenantsService,
    audit as unknown as AuditService,
    cache as unknown as SharedCache,
  );
  return { sut, rows, users, tenants, audit, cache, hashed };
}

const form = (over: Partial<SignupDto> = {}): SignupDto => ({
  email: 'Ada@Example.com',
  password: 'Analytical-Engine-1843',
  name: 'Ada',
  tenantName: 'Engines',
  tenantSlug: 'engines',
  ...over,
});
const client = { ip: '203.0.113.7', userAgent: 'spec' };

async function codeOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return (error as { problem?: { code?: string } }).problem?.code ?? (error as Error).message;
  }
}

describe(SignupService.name, () => {
  it('registers the user, the PROVISIONING tenant and the OWNER membership together, then provisions it ACTIVE', async () => {
    const { sut, rows, tenants, audit, cache } = setup();

    const { user, membership } = await sut.register(form(), client);

    expect(user).toMatchObject({ email: 'ada@example.com', passwordHash: 'bcrypt(Analytical-Engine-1843)' });
    expect(membership).toMatchObject({ userId: user.id, role: MembershipRole.OWNER, tenant: { slug: 'engines' } });
    expect(membership.tenant.status).toBe(TenantStatus.ACTIVE);
    expect(rows.memberships).toHaveLength(1);
    // Provisioning starts only once the registration is written, and names its owner as the actor.
    expect(tenants.calls).toEqual(['plan engines', `provision engines on primary by ${user.id}`]);
    expect(audit.entries).toEqual([
      expect.objectContaining({ action: 'auth.signup', tenantId: membership.tenantId, actorUserId: user.id }),
    ]);
    expect(cache.invalidated).toEqual([`membership:${membership.tenantId}:${user.id}`]);
  });

  it('refuses a weak password and a taken email before hashing, planning or writing anything', async () => {
    const { sut, rows, tenants, hashed } = setup();
    await sut.register(form(), client);
    hashed.length = 0;
    tenants.calls.length = 0;

    expect(await codeOf(sut.register(form({ password: WEAK, tenantSlug: 'weak' }), client))).toBe('weak_password');
    expect(await codeOf(sut.register(form({ email: 'ADA@example.com', tenantSlug: 'other' }), client))).toBe(
      'email_taken',
    );

    expect(hashed).toEqual([]);
    expect(tenants.calls).toEqual([]);
    expect(rows.users.size).toBe(1);
  });

  it('answers the conflict the registration met (a race past the early check) and provisions nothing', async () => {
    const { sut, rows, users, tenants, audit } = setup();
    await sut.register(form(), client);
    tenants.calls.length = 0;
    audit.entries.length = 0;
    // The early check misses an email registered meanwhile: the registration's unique index decides.
    users.stale = true;

    expect(await codeOf(sut.register(form({ tenantSlug: 'second' }), client))).toBe('email_taken');
    expect(await codeOf(sut.register(form({ email: 'grace@example.com' }), client))).toBe('tenant_slug_taken');

    expect(tenants.calls).toEqual(['plan second', 'plan engines']);
    expect(audit.entries).toEqual([]);
    expect([rows.users.size, rows.tenants.size, rows.memberships.length]).toEqual([1, 1, 1]);
  });

  it('leaves nothing to provision or audit when the registration fails', async () => {
    const { sut, rows, tenants, audit } = setup();
    rows.failNext = new Error('membership insert failed');

    expect(await codeOf(sut.register(form(), client))).toBe('membership insert failed');

    expect(tenants.calls).toEqual(['plan engines']);
    expect(audit.entries).toEqual([]);
    expect([rows.users.size, rows.tenants.size, rows.memberships.length]).toEqual([0, 0, 0]);
  });

  it('answers with the tenant FAILED, not an error, when the inline attempt fails (its job retries it)', async () => {
    const { sut, tenants } = setup();
    tenants.provisioning = 'fails';

    const { user, membership } = await sut.register(form(), client);

    expect(membership.tenant.status).toBe(TenantStatus.FAILED);
    expect(membership.userId).toBe(user.id);
  });

  it('answers with the tenant PROVISIONING once the wait is over, the attempt still running', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { sut, tenants } = setup();
    tenants.provisioning = 'hangs';

    let answered = false;
    const registering = sut.register(form(), client).finally(() => (answered = true));
    while (!tenants.calls.some((call) => call.startsWith('provision'))) await new Promise(setImmediate);
    t.mock.timers.tick(SIGNUP_PROVISIONING_WAIT_MS - 1);
    await new Promise(setImmediate);
    expect(answered).toBe(false);
    t.mock.timers.tick(1);

    expect((await registering).membership.tenant.status).toBe(TenantStatus.PROVISIONING);
  });
});
