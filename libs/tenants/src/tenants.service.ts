import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { CACHE_NAMESPACES, type CacheNamespace, SharedCache } from '@helpdeskly/cache';
import { AppConfig } from '@helpdeskly/config';
import {
  type DatabaseServer,
  isUniqueViolation,
  SecretBox,
  type Tenant,
  TenantStatus,
  tenantPgBouncerUrl,
} from '@helpdeskly/database';
import { AuditService } from '@helpdeskly/audit';
import { DatabaseServersService } from './database-servers.service';
import { ProvisioningHooks } from './provisioning.hooks';
import { TenantJobs } from './tenant-jobs';
import { TenantProvisionerService, tenantDatabaseNames } from './tenant-provisioner.service';
import { TenantsErrorCode, TenantsException } from './tenants.errors';
import { type NewTenant, type TenantChanges, TenantsRepository, type TenantWithServer } from './tenants.repository';

export interface CreateTenantInput {
  readonly slug: string;
  readonly name: string;
  readonly plan?: string;
  /** Who asked (sign-up's new user, a platform admin); recorded in the audit trail. */
  readonly actorUserId?: string | null;
}

/** A new tenant's row before it is inserted, and the name of the server it goes to (for the audit trail). */
export interface PlannedTenant {
  readonly row: NewTenant;
  readonly databaseServer: string;
}

/** 409 tenant_slug_taken: the tenants' unique index refused the slug. */
export function slugTaken(slug: string): never {
  throw new TenantsException(TenantsErrorCode.SlugTaken, `The slug "${slug}" is taken.`);
}

// 32 random bytes: the role's password is only ever used by app-api, never typed.
const PASSWORD_BYTES = 32;
const PROVISIONABLE: readonly TenantStatus[] = [TenantStatus.PROVISIONING, TenantStatus.FAILED];

/**
 * Tenants and their lifecycle: create (with a database and role of their own), provision again
 * after a failure, suspend, resume, delete. Each step is audited and leaves a status saying where
 * the tenant stands; an interrupted provisioning or deletion resumes by calling it again.
 */
@Injectable()
export class TenantsService {
  private readonly logger = new Logger(TenantsService.name);
  /** app-api's cached tenant rows, dropped on every instance whenever a status changes. */
  private readonly cached: CacheNamespace<unknown>;

  constructor(
    private readonly tenants: TenantsRepository,
    private readonly servers: DatabaseServersService,
    private readonly provisioner: TenantProvisionerService,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly hooks: ProvisioningHooks,
    private readonly jobs: TenantJobs,
    private readonly config: AppConfig,
    cache: SharedCache,
  ) {
    this.cached = cache.namespace(CACHE_NAMESPACES.tenant);
  }

  /** Inserts the tenant (PROVISIONING) on the least loaded server and provisions it; returns it ACTIVE. */
  async createTenant(input: CreateTenantInput): Promise<Tenant> {
    const planned = await this.plan(input);
    let tenant: Tenant;
    try {
      tenant = await this.tenants.create(planned.row);
    } catch (error) {
      // The unique index decides, so two concurrent creations with one slug give one tenant and one 409.
      if (isUniqueViolation(error)) slugTaken(input.slug);
      throw error;
    }
    return this.provisionInserted(tenant, planned.databaseServer, input.actorUserId);
  }

  /**
   * The row of a new tenant, not inserted: on the least loaded server, with its id, database names
   * and sealed role password. Sign-up inserts it in the transaction that registers its owner.
   */
  async plan(input: CreateTenantInput): Promise<PlannedTenant> {
    const server = await this.servers.pickLeastLoaded();
    const id = randomUUID();
    return {
      row: {
        id,
        slug: input.slug,
        name: input.name,
        plan: input.plan,
        databaseServerId: server.id,
        ...tenantDatabaseNames(id),
        databasePasswordEnc: this.box.seal(randomBytes(PASSWORD_BYTES).toString('base64url')),
      },
      databaseServer: server.name,
    };
  }

  /**
   * Provisions a tenant whose PROVISIONING row is committed: audited as created, then the durable
   * job, then the inline attempt. Returns it ACTIVE; a failed attempt leaves it FAILED, with the
   * job made to run now, and throws.
   */
  async provisionInserted(tenant: Tenant, databaseServer: string, actorUserId?: string | null): Promise<Tenant> {
    await this.record('tenant.created', tenant, actorUserId, { slug: tenant.slug, plan: tenant.plan, databaseServer });
    // The durable intent first: a crash during the inline attempt leaves it to a worker.
    await this.jobs.provisionLater(tenant.id);
    try {
      return await this.provision(tenant.id, actorUserId);
    } catch (error) {
      await this.jobs.provisionNow(tenant.id);
      throw error;
    }
  }

  /**
   * Creates the tenant's role and database and marks it ACTIVE. Idempotent: an ACTIVE tenant is
   * returned as is, a FAILED or interrupted (PROVISIONING) one is provisioned again from scratch.
   */
  async provision(tenantId: string, actorUserId?: string | null): Promise<Tenant> {
    const { databaseServer: server, ...found } = await this.getWithServer(tenantId);
    if (found.status === TenantStatus.ACTIVE) return found;
    this.assertStatus(found, PROVISIONABLE, 'provisioned');
    return this.provisioner.withTenantLock(server, tenantId, async (admin) => {
      // Read again under the lock: another request may have finished it meanwhile.
      let tenant = await this.get(tenantId);
      if (tenant.status === TenantStatus.ACTIVE) return tenant;
      this.assertStatus(tenant, PROVISIONABLE, 'provisioned');
      const retry = tenant.status === TenantStatus.FAILED;
      if (retry) tenant = await this.update(tenantId, { status: TenantStatus.PROVISIONING, statusReason: null });
      await this.record('tenant.provisioning.started', tenant, actorUserId, { retry, databaseServer: server.name });
      const started = performance.now();
      try {
        const { method, schemaVersion } = await this.provisioner.createDatabase(admin, tenant);
        const active = await this.update(tenantId, { status: TenantStatus.ACTIVE, statusReason: null, schemaVersion });
        await this.record('tenant.provisioning.succeeded', active, actorUserId, {
          method,
          schemaVersion,
          durationMs: Math.round(performance.now() - started),
        });
        return active;
      } catch (error) {
        throw await this.provisioningFailed(tenant, server, actorUserId, error);
      }
    });
  }

  /** SUSPENDED: its role can no longer connect to its database. Idempotent. */
  async suspend(tenantId: string, actorUserId?: string | null): Promise<Tenant> {
    const { databaseServer: server, ...found } = await this.getWithServer(tenantId);
    this.assertStatus(found, [TenantStatus.ACTIVE, TenantStatus.SUSPENDED], 'suspended');
    const tenant =
      (await this.tenants.transition(tenantId, [TenantStatus.ACTIVE, TenantStatus.SUSPENDED], {
        status: TenantStatus.SUSPENDED,
      })) ?? this.conflict(found, 'suspended');
    // Before closing the database: app-api stops routing to it rather than meeting refused connections.
    await this.cached.invalidate(tenantId);
    // After the status: a tenant marked ACTIVE must always be reachable.
    await this.provisioner.blockAccess(server, tenant);
    await this.record('tenant.suspended', tenant, actorUserId, statusChange(found, tenant));
    return tenant;
  }

  /** ACTIVE again after a suspension. Idempotent. */
  async resume(tenantId: string, actorUserId?: string | null): Promise<Tenant> {
    const { databaseServer: server, ...found } = await this.getWithServer(tenantId);
    if (found.status === TenantStatus.ACTIVE) return found;
    this.assertStatus(found, [TenantStatus.SUSPENDED], 'resumed');
    // Before the status, for the same reason as in suspend.
    await this.provisioner.allowAccess(server, found);
    const tenant =
      (await this.tenants.transition(tenantId, [TenantStatus.SUSPENDED], { status: TenantStatus.ACTIVE })) ??
      this.conflict(found, 'resumed');
    await this.cached.invalidate(tenantId);
    await this.record('tenant.resumed', tenant, actorUserId, statusChange(found, tenant));
    return tenant;
  }

  /**
   * Marks the tenant DELETING, drops its database (closing its sessions) and role, then marks it
   * DELETED. A deletion interrupted midway stays DELETING and completes when called again.
   */
  async deleteTenant(tenantId: string, actorUserId?: string | null): Promise<Tenant> {
    const { databaseServer: server, ...found } = await this.getWithServer(tenantId);
    if (found.status === TenantStatus.DELETED) return found;
    // As in provisionInserted; from the job itself both calls are no-ops (its id exists, it is active).
    await this.jobs.deleteLater(tenantId);
    return this.provisioner.withTenantLock(server, tenantId, async (admin) => {
      let tenant = await this.get(tenantId);
      if (tenant.status === TenantStatus.DELETED) return tenant;
      const resumed = tenant.status === TenantStatus.DELETING;
      if (!resumed) tenant = await this.update(tenantId, { status: TenantStatus.DELETING, statusReason: null });
      await this.record('tenant.deletion.started', tenant, actorUserId, { resumed, ...statusChange(found, tenant) });
      try {
        await this.hooks.afterStep('marked_deleting', tenant);
        await this.provisioner.removeDatabase(admin, tenant);
        const deleted = await this.update(tenantId, {
          status: TenantStatus.DELETED,
          statusReason: null,
          deletedAt: new Date(),
        });
        await this.record('tenant.deleted', deleted, actorUserId, statusChange(found, deleted));
        return deleted;
      } catch (error) {
        const reason = `deletion failed: ${messageOf(error)}`;
        await this.tenants.update(tenantId, { statusReason: reason }).catch(() => undefined);
        await this.record('tenant.deletion.failed', tenant, actorUserId, { reason }, false);
        this.logger.error(
          { err: error, tenantId },
          'tenant deletion failed; it stays DELETING and completes when deleted again',
        );
        await this.jobs.deleteNow(tenantId);
        throw new TenantsException(
          TenantsErrorCode.DeletionFailed,
          `Tenant ${tenant.slug} is DELETING; deleting it again completes the deletion.`,
          { cause: error },
        );
      }
    });
  }

  async findById(tenantId: string): Promise<Tenant> {
    return this.get(tenantId);
  }

  findBySlug(slug: string): Promise<Tenant | null> {
    return this.tenants.findBySlug(slug);
  }

  /** URL by which app-api reaches the tenant's database: through PgBouncer, as the gateway role (switched to the tenant's at login). */
  async pgBouncerUrl(tenantId: string): Promise<string> {
    const { databaseServer: server, ...tenant } = await this.getWithServer(tenantId);
    return tenantPgBouncerUrl(tenant, server, this.config.tenancy.gateway);
  }

  /** FAILED with the reason, nothing left on the server, audited; returns the error to throw. */
  private async provisioningFailed(
    tenant: Tenant,
    server: DatabaseServer,
    actorUserId: string | null | undefined,
    error: unknown,
  ): Promise<TenantsException> {
    const cleanupError = await this.provisioner.removeAfterFailure(server, tenant);
    const reason = [
      `provisioning failed: ${messageOf(error)}`,
      cleanupError && `cleanup failed: ${messageOf(cleanupError)}`,
    ]
      .filter(Boolean)
      .join('; ');
    await this.update(tenant.id, { status: TenantStatus.FAILED, statusReason: reason }).catch(
      (updateError: unknown) => {
        this.logger.error(
          { err: updateError, tenantId: tenant.id },
          'marking the tenant FAILED failed; it stays PROVISIONING',
        );
      },
    );
    await this.record('tenant.provisioning.failed', tenant, actorUserId, { reason }, false);
    this.logger.error({ err: error, tenantId: tenant.id }, 'tenant provisioning failed');
    return new TenantsException(
      TenantsErrorCode.ProvisioningFailed,
      `The database of tenant ${tenant.slug} could not be created; provisioning it again retries.`,
      { cause: error },
    );
  }

  /** Writes a status change and drops app-api's cached row (an invalidation that fails is logged, never thrown). */
  private async update(tenantId: string, changes: TenantChanges): Promise<Tenant> {
    const tenant = await this.tenants.update(tenantId, changes);
    await this.cached.invalidate(tenantId);
    return tenant;
  }

  private async get(tenantId: string): Promise<Tenant> {
    return (await this.tenants.findById(tenantId)) ?? this.notFound(tenantId);
  }

  private async getWithServer(tenantId: string): Promise<TenantWithServer> {
    return (await this.tenants.findWithServer(tenantId)) ?? this.notFound(tenantId);
  }

  private assertStatus(tenant: Tenant, allowed: readonly TenantStatus[], verb: string): void {
    if (!allowed.includes(tenant.status)) this.conflict(tenant, verb);
  }

  private conflict(tenant: Tenant, verb: string): never {
    throw new TenantsException(
      TenantsErrorCode.StateConflict,
      `Tenant ${tenant.slug} is ${tenant.status} and cannot be ${verb}.`,
    );
  }

  private notFound(tenantId: string): never {
    throw new TenantsException(TenantsErrorCode.NotFound, `No tenant ${tenantId}.`);
  }

  private record(
    action: string,
    tenant: Tenant,
    actorUserId: string | null | undefined,
    metadata?: Record<string, unknown>,
    success = true,
  ): Promise<void> {
    return this.audit.record({
      action,
      tenantId: tenant.id,
      actorUserId: actorUserId ?? null,
      targetType: 'tenant',
      targetId: tenant.id,
      success,
      metadata,
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The audit metadata of a status change: what an admin action found and what it left. */
function statusChange(
  before: Tenant,
  after: Tenant,
): { before: { status: TenantStatus }; after: { status: TenantStatus } } {
  return { before: { status: before.status }, after: { status: after.status } };
}
