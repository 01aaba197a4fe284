import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditService } from '@helpdeskly/audit';
import { AccessTokenService, JwtKeySource, type JwtKeys, type SessionRevocations } from '@helpdeskly/auth';
import type { AppConfig } from '@helpdeskly/config';
import { MembershipRole, type RefreshToken, type Tenant, TenantStatus, type User } from '@helpdeskly/database';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { unitConfig } from '@helpdeskly/testing';
import type { RedisClient } from '@helpdeskly/redis';
import type { TwoFactorService } from '../two-factor/two-factor.service';
import type { MembershipWithTenant, MembershipsRepository } from '../users/memberships.repository';
import { normalizeEmail, type UsersRepository } from '../users/users.repository';
import { AuthService } from './auth.service';
import { LoginLockoutService } from './login-lockout.service';
import { PasswordHasher } from './password-hasher.service';
import type { NewRefreshToken, RefreshTokensRepository } from './sessions/refresh-tokens.repository';
import { RefreshTokensService } from './sessions/refresh-tokens.service';
import type { SignupService } from './signup.service';

// In-memory stand-ins for the control database's users, memberships and refresh tokens and for
// the session deny-list, for the unit spec of AuthService. The rules run for real: bcrypt (at its
// lowest cost), JWT signing, the lockout and the refresh token rotation.

export const PASSWORD = 'Analytical-Engine-1843';
export const MAX_FAILURES = 3;
export const LOCKOUT_SECONDS = 60;

/** The control database's rows that login, refresh and logout read and write. */
export class ControlRows {
  readonly users = new Map<string, User>();
  readonly memberships: MembershipWithTenant[] = [];
  readonly refreshTokens = new Map<string, RefreshToken>();

  user(id: string): User {
    return { ...this.users.get(id)! };
  }

  /** The refresh token rows of a family, oldest first. */
  family(familyId: string): RefreshToken[] {
    return [...this.refreshTokens.values()].filter((row) => row.familyId === familyId);
  }
}

export class FakeUsersRepository {
  constructor(private readonly rows: ControlRows) {}

  async findById(id: string): Promise<User | null> {
    return this.rows.users.has(id) ? this.rows.user(id) : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const user = [...this.rows.users.values()].find((row) => row.email === normalizeEmail(email));
    return user ? { ...user } : null;
  }

  async incrementFailedLogins(id: string): Promise<number> {
    return ++this.rows.users.get(id)!.failedLoginCount;
  }

  async lockUntil(id: string, until: Date): Promise<void> {
    this.rows.users.get(id)!.lockedUntil = until;
  }

  async recordSuccessfulLogin(id: string): Promise<void> {
    Object.assign(this.rows.users.get(id)!, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: new Date() });
  }
}

export class FakeMembershipsRepository {
  constructor(private readonly rows: ControlRows) {}

  async find(userId: string, tenantId: string): Promise<MembershipWithTenant | null> {
    return this.rows.memberships.find((m) => m.userId === userId && m.tenantId === tenantId) ?? null;
  }

  async findByTenantSlug(userId: string, slug: string): Promise<MembershipWithTenant | null> {
    return this.rows.memberships.find((m) => m.userId === userId && m.tenant.slug === slug) ?? null;
  }

  async listForUser(userId: string): Promise<MembershipWithTenant[]> {
    return this.rows.memberships.filter((m) => m.userId === userId);
  }
}

/**
 * Refresh token rows as RefreshTokensRepository's SQL keeps them: a rotation marks the old row
 * used only if it is neither used nor revoked, or writes nothing. `beforeRotate` runs just before,
 * as a concurrent rotation of the same token that commits first.
 */
export class FakeRefreshTokensRepository {
  beforeRotate?: (oldId: string) => void;

  constructor(private readonly rows: ControlRows) {}

  async findByHash(tokenHash: string): Promise<RefreshToken | null> {
    const row = [...this.rows.refreshTokens.values()].find((r) => r.tokenHash === tokenHash);
    return row ? { ...row } : null;
  }

  async create(token: NewRefreshToken): Promise<RefreshToken> {
    const row: RefreshToken = {
      parentId: null,
      replacedById: null,
      usedAt: null,
      revokedAt: null,
      revokedReason: null,
      ip: null,
      userAgent: null,
      createdAt: new Date(),
      ...token,
    };
    this.rows.refreshTokens.set(row.id, row);
    return { ...row };
  }

  async rotate(oldId: string, next: NewRefreshToken): Promise<boolean> {
    this.beforeRotate?.(oldId);
    const old = this.rows.refreshTokens.get(oldId)!;
    if (old.usedAt || old.revokedAt) return false;
    Object.assign(old, { usedAt: new Date(), replacedById: next.id });
    await this.create(next);
    return true;
  }

  async revokeFamily(familyId: string, reason: string): Promise<number> {
    const live = this.rows.family(familyId).filter((row) => !row.revokedAt);
    for (const row of live) Object.assign(row, { revokedAt: new Date(), revokedReason: reason });
    return live.length;
  }
}

/** The deny-list of sessions; `down` refuses writes as SessionRevocations does when Redis is unreachable. */
export class FakeSessionRevocations {
  readonly denied = new Set<string>();
  down = false;

  async revoke(sessionIds: readonly string[]): Promise<void> {
    if (this.down) throw new Error('revocations unavailable');
    for (const id of sessionIds) this.denied.add(id);
  }
}

export class FakeAudit {
  readonly entries: AuditEntry[] = [];

  async record(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
}

class FixedKeys extends JwtKeySource {
  constructor(private readonly keys: JwtKeys) {
    super();
  }

  jwtKeys(): JwtKeys {
    return this.keys;
  }
}

export function authConfig(env: Record<string, string> = {}): AppConfig {
  return unitConfig({
    JWT_SECRET: 'j'.repeat(40),
    BCRYPT_ROUNDS: '4',
    LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    LOGIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
    ...env,
  });
}

/** The rows of a tenant, a user and their membership, as sign-up or an invitation left them. */
export class Seeder {
  constructor(
    private readonly rows: ControlRows,
    private readonly hasher: PasswordHasher,
  ) {}

  async user(over: Partial<User> = {}): Promise<User> {
    const user: User = {
      id: randomUUID(),
      email: 'ada@example.com',
      name: 'Ada',
      passwordHash: await this.hasher.hash(PASSWORD),
      isPlatformAdmin: false,
      totpSecretEnc: null,
      totpEnabledAt: null,
      failedLoginCount: 0,
      lockedUntil: null,
      passwordChangedAt: new Date('2026-01-01T00:00:00.000Z'),
      lastLoginAt: null,
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
      updatedAt: new Date('2026-01-01T00:00:00.000Z'),
      ...over,
    };
    this.rows.users.set(user.id, user);
    return { ...user };
  }

  membership(
    user: User,
    tenant: Partial<Tenant> = {},
    role: MembershipRole = MembershipRole.AGENT,
  ): MembershipWithTenant {
    const tenantId = tenant.id ?? randomUUID();
    const membership = {
      id: randomUUID(),
      userId: user.id,
      tenantId,
      role,
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
      updatedAt: new Date('2026-01-01T00:00:00.000Z'),
      tenant: {
        id: tenantId,
        slug: 'engines',
        name: 'Engines',
        status: TenantStatus.ACTIVE,
        settings: {},
        ...tenant,
      } as Tenant,
    };
    this.rows.memberships.push(membership);
    return membership;
  }
}

/** An AuthService over fresh fakes, the subject of the specs, with its rows, fakes and real token service. */
export function authServiceWithFakes(env: Record<string, string> = {}) {
  const config = authConfig(env);
  const rows = new ControlRows();
  const users = new FakeUsersRepository(rows);
  const refreshTokenRows = new FakeRefreshTokensRepository(rows);
  const revocations = new FakeSessionRevocations();
  const audit = new FakeAudit();
  const metrics = new MetricsRegistry();
  const hasher = new PasswordHasher(config);
  const tokens = new AccessTokenService(config, new FixedKeys({ current: config.auth.jwtSecret! }));
  const auditService = audit as unknown as AuditService;
  const sut = new AuthService(
    users as unknown as UsersRepository,
    new FakeMembershipsRepository(rows) as unknown as MembershipsRepository,
    hasher,
    {} as SignupService,
    new RefreshTokensService(
      refreshTokenRows as unknown as RefreshTokensRepository,
      config,
      auditService,
      revocations as unknown as SessionRevocations,
      tokens,
    ),
    tokens,
    new LoginLockoutService(users as unknown as UsersRepository, config, auditService, metrics),
    // Only the second step of a 2FA login uses these two, and these specs stop before it.
    {} as TwoFactorService,
    {} as RedisClient,
    auditService,
    config,
    metrics,
  );
  return { sut, rows, seed: new Seeder(rows, hasher), refreshTokenRows, revocations, audit, metrics, tokens };
}
