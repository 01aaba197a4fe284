import { randomUUID } from 'node:crypto';
import type { CacheNamespace, SharedCache } from '@helpdeskly/cache';
import type { AppConfig } from '@helpdeskly/config';
import { type DatabaseServer, SecretBox, type Tenant, TenantStatus } from '@helpdeskly/database';
import type { AuditEntry, AuditService } from '@helpdeskly/audit';
import type { DatabaseServersService } from './database-servers.service';
import type { ProvisioningHooks, ProvisioningStep } from './provisioning.hooks';
import type { TenantJobs } from './tenant-jobs';
import {
  type ProvisionedDatabase,
  type TenantProvisionerService,
  tenantDatabaseNames,
} from './tenant-provisioner.service';
import { TenantsErrorCode, TenantsException } from './tenants.errors';
import type { NewTenant, TenantChanges, TenantsRepository, TenantWithServer } from './tenants.repository';
import { TenantsService } from './tenants.service';

// In-memory stand-ins for what TenantsService drives: the control database's tenant rows, the
// PostgreSQL server's databases and roles, the provisioning queue, the audit trail and app-api's
// cache. Each writes one line to a shared log, so a spec can assert what happened and in which order.

export const SERVER: DatabaseServer = {
  id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  name: 'primary',
  adminUrl: 'postgresql://postgres@primary:5432/postgres',
  pgbouncerHost: 'pgbouncer.internal',
  pgbouncerPort: 6432,
  capacity: 500,
  active: true,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};
export const ADMIN_ID = '55555555-5555-4555-8555-555555555555';
export const SCHEMA_VERSION = '20260101000000_init';

/** What every fake writes to, in the order it happened. */
export class World {
  readonly log: string[] = [];
  readonly audits: AuditEntry[] = [];
}

/** TenantsRepository over a map; a taken slug fails with Prisma's P2002, as the unique index does. */
export class FakeTenantsRepository {
  readonly rows = new Map<string, Tenant>();
  /** Makes `update` throw when the changes set this status (the control database failing midway). */
  failUpdateTo?: TenantStatus;
  /** Runs inside `transition`, before it checks the status: another request's write landing first. */
  beforeTransition?: () => void;

  constructor(private readonly world: World) {}

  /** A tenant row as an earlier request left it. */
  put(over: Partial<Tenant> = {}): Tenant {
    const id = over.id ?? randomUUID();
    const tenant: Tenant = {
      id,
      slug: 'acme',
      name: 'Acme',
      status: TenantStatus.ACTIVE,
      plan: 'free',
      rateLimits: {},
      settings: {},
      databaseServerId: SERVER.id,
      ...tenantDatabaseNames(id),
      databasePasswordEnc: 'sealed',
      schemaVersion: null,
      statusReason: null,
      createdAt: new Date('2026-01-05T09:00:00.000Z'),
      updatedAt: new Date('2026-01-05T09:00:00.000Z'),
      deletedAt: null,
      ...over,
    };
    this.rows.set(id, tenant);
    return { ...tenant };
  }

  row(id: string): Tenant {
    return { ...this.rows.get(id)! };
  }

  async create(tenant: NewTenant): Promise<Tenant> {
    if ([...this.rows.values()].some((row) => row.slug === tenant.slug))
      throw Object.assign(new Error('Unique constraint failed on the fields: (`slug`)'), { code: 'P2002' });
    this.world.log.push(`db: insert ${tenant.slug} ${TenantStatus.PROVISIONING}`);
    return this.put({ ...tenant, plan: tenant.plan ?? 'free', status: TenantStatus.PROVISIONING });
  }

  async findById(id: string): Promise<Tenant | null> {
    return this.rows.has(id) ? this.row(id) : null;
  }

  async findBySlug(slug: string): Promise<Tenant | null> {
    return [...this.rows.values()].find((row) => row.slug === slug) ?? null;
  }

  async findWithServer(id: string): Promise<TenantWithServer | null> {
    return this.rows.has(id) ? { ...this.row(id), databaseServer: SERVER } : null;
  }

  async update(id: string, changes: TenantChanges): Promise<Tenant> {
    if (changes.status !== undefined && changes.status === this.failUpdateTo)
      throw new Error('connection to the control database lost');
    this.world.log.push(`db: ${describeChanges(changes)}`);
    Object.assign(this.rows.get(id)!, changes);
    return this.row(id);
  }

  async transition(id: string, from: readonly TenantStatus[], changes: TenantChanges): Promise<Tenant | null> {
    this.beforeTransition?.();
    if (!from.includes(this.rows.get(id)!.status)) return null;
    return this.update(id, changes);
  }
}

const describeChanges = (changes: TenantChanges) =>
  Object.entries(changes)
    .map(([key, value]) => `${key}=${value instanceof Date ? 'date' : String(value)}`)
    .join(' ');

/**
 * The tenant's server: which databases exist and which are closed to connections. `fail` makes a
 * step throw; `heldBy` holds a tenant's lock for another request; `whileLocked` runs once the lock
 * is taken, as another request that finished just before would have.
 */
export class FakeProvisioner {
  readonly databases = new Set<string>();
  readonly blocked = new Set<string>();
  readonly heldBy = new Set<string>();
  fail: { create?: Error; cleanup?: Error; remove?: Error } = {};
  whileLocked?: () => void;

  constructor(private readonly world: World) {}

  async withTenantLock<T>(_server: DatabaseServer, tenantId: string, run: (admin: unknown) => Promise<T>): Promise<T> {
    if (this.heldBy.has(tenantId))
      throw new TenantsException(TenantsErrorCode.Busy, `Tenant ${tenantId} is held by another request.`);
    this.world.log.push('server: lock');
    this.whileLocked?.();
    return run({});
  }

  async createDatabase(_admin: unknown, tenant: Tenant): Promise<ProvisionedDatabase> {
    // Like the real one, a failure may come after the database exists (a migration, the grants).
    this.databases.add(tenant.databaseName);
    if (this.fail.create) throw this.fail.create;
    this.world.log.push(`server: create ${tenant.databaseName}`);
    return { method: 'template', schemaVersion: SCHEMA_VERSION };
  }

  async removeDatabase(_admin: unknown, tenant: Tenant): Promise<void> {
    if (this.fail.remove) throw this.fail.remove;
    this.databases.delete(tenant.databaseName);
    this.world.log.push(`server: drop ${tenant.databaseName}`);
  }

  async removeAfterFailure(_server: DatabaseServer, tenant: Tenant): Promise<Error | undefined> {
    if (this.fail.cleanup) return this.fail.cleanup;
    this.databases.delete(tenant.databaseName);
    this.world.log.push(`server: clean up ${tenant.databaseName}`);
    return undefined;
  }

  async blockAccess(_server: DatabaseServer, tenant: Tenant): Promise<void> {
    this.blocked.add(tenant.databaseName);
    this.world.log.push(`server: block ${tenant.databaseName}`);
  }

  async allowAccess(_server: DatabaseServer, tenant: Tenant): Promise<void> {
    this.blocked.delete(tenant.databaseName);
    this.world.log.push(`server: allow ${tenant.databaseName}`);
  }
}

/** The queue `provisioning`: the jobs as `provision:<id>`, `delete:<id>`, and whether each is due now. */
export class FakeTenantJobs {
  readonly jobs = new Map<string, 'delayed' | 'now'>();

  constructor(private readonly world: World) {}

  async provisionLater(tenantId: string): Promise<void> {
    this.add(`provision:${tenantId}`, 'delayed');
  }

  async provisionNow(tenantId: string): Promise<void> {
    this.add(`provision:${tenantId}`, 'now');
  }

  async deleteLater(tenantId: string): Promise<void> {
    this.add(`delete:${tenantId}`, 'delayed');
  }

  async deleteNow(tenantId: string): Promise<void> {
    this.add(`delete:${tenantId}`, 'now');
  }

  private add(id: string, when: 'delayed' | 'now'): void {
    // As BullMQ with a job id: adding an existing job again changes nothing; runSoon promotes it.
    if (when === 'delayed' && this.jobs.has(id)) return;
    this.jobs.set(id, when);
    this.world.log.push(`job: ${id} ${when}`);
  }
}

/** The steps the hooks saw; `failAt` throws after that step, as the resumption tests do. */
export class FakeHooks {
  readonly steps: ProvisioningStep[] = [];
  failAt?: ProvisioningStep;

  async afterStep(step: ProvisioningStep): Promise<void> {
    this.steps.push(step);
    if (step === this.failAt) throw new Error(`crashed after ${step}`);
  }
}

export class FakeAudit {
  constructor(private readonly world: World) {}

  async record(entry: AuditEntry): Promise<void> {
    this.world.audits.push(entry);
    this.world.log.push(`audit: ${entry.action}`);
  }
}

/** The shared cache: only invalidations matter here. */
export class FakeCache {
  constructor(private readonly world: World) {}

  namespace<V>(name: string): CacheNamespace<V> {
    return {
      getOrLoad: async () => null,
      invalidate: async (key: string) => void this.world.log.push(`cache: drop ${name}:${key}`),
    };
  }
}

export const fakeServers = () => ({ pickLeastLoaded: async () => SERVER }) as unknown as DatabaseServersService;

export const GATEWAY = { role: 'helpdeskly_gateway', password: 'gateway-password' };

/** A TenantsService over fresh fakes, the subject of the specs, with every fake to inspect. */
export function tenantsServiceWithFakes() {
  const world = new World();
  const tenants = new FakeTenantsRepository(world);
  const provisioner = new FakeProvisioner(world);
  const jobs = new FakeTenantJobs(world);
  const hooks = new FakeHooks();
  const box = new SecretBox({ v1: 'k'.repeat(40) }, 'v1');
  const sut = new TenantsService(
    tenants as unknown as TenantsRepository,
    fakeServers(),
    provisioner as unknown as TenantProvisionerService,
    box,
    new FakeAudit(world) as unknown as AuditService,
    hooks as unknown as ProvisioningHooks,
    jobs as unknown as TenantJobs,
    { tenancy: { gateway: GATEWAY } } as AppConfig,
    new FakeCache(world) as unknown as SharedCache,
  );
  return { sut, world, tenants, provisioner, jobs, hooks, box };
}
