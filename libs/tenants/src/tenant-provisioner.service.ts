import { Injectable } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { type DatabaseServer, SecretBox, type Tenant, TenantDatabaseAdmin } from '@helpdeskly/database';
import { Secrets } from '@helpdeskly/secrets';
import { ProvisioningHooks } from './provisioning.hooks';
import { type DatabaseCreationMethod, TenantTemplateService } from './tenant-template.service';
import { TenantsErrorCode, TenantsException } from './tenants.errors';

export interface ProvisionedDatabase {
  readonly method: DatabaseCreationMethod;
  /** Last tenant migration recorded in the new database. */
  readonly schemaVersion: string | null;
}

/** Database and role of a tenant: `tenant_<id without dashes>`, so they never depend on a slug that may change. */
export function tenantDatabaseNames(tenantId: string): { databaseName: string; databaseRole: string } {
  const name = `tenant_${tenantId.replaceAll('-', '').toLowerCase()}`;
  return { databaseName: name, databaseRole: name };
}

/**
 * The PostgreSQL side of a tenant's lifecycle on its server: role, database, privileges, and their
 * removal. Knows nothing of the control database; TenantsService records each outcome.
 */
@Injectable()
export class TenantProvisionerService {
  constructor(
    private readonly template: TenantTemplateService,
    private readonly box: SecretBox,
    private readonly hooks: ProvisioningHooks,
    private readonly secrets: Secrets,
    private readonly config: AppConfig,
  ) {}

  private get gatewayRole(): string {
    return this.config.tenancy.gateway.role;
  }

  /**
   * Runs `run` on an admin session of the tenant's server that holds the tenant's lock for its whole
   * duration, so a provisioning and a deletion (or two of either) of one tenant never interleave,
   * across processes too. Another holder: {@link TenantsErrorCode.Busy}.
   */
  async withTenantLock<T>(
    server: DatabaseServer,
    tenantId: string,
    run: (admin: TenantDatabaseAdmin) => Promise<T>,
  ): Promise<T> {
    return TenantDatabaseAdmin.use(await this.secrets.databaseServerUrl(server), async (admin) => {
      // Session-level: released when this session closes, whatever happens to the process.
      if (!(await admin.tryLock(`helpdeskly:tenant:${tenantId}`))) {
        throw new TenantsException(
          TenantsErrorCode.Busy,
          `Tenant ${tenantId} is being provisioned or deleted by another request.`,
        );
      }
      return run(admin);
    });
  }

  /**
   * Creates the tenant's role (with its sealed password) and its migrated database, with the
   * privilege model applied. Call only for a tenant that never became ACTIVE, under its lock.
   * On failure the caller removes what exists with {@link removeDatabase}.
   */
  async createDatabase(admin: TenantDatabaseAdmin, tenant: Tenant): Promise<ProvisionedDatabase> {
    // A database left by an earlier attempt (a crash) holds no tenant data yet: start it over.
    await admin.dropDatabase(tenant.databaseName);
    await admin.ensureRole(tenant.databaseRole, this.box.open(tenant.databasePasswordEnc));
    await this.hooks.afterStep('role_created', tenant);
    const method = await this.template.createDatabase(admin, tenant.databaseName);
    await this.hooks.afterStep('database_created', tenant);
    // With the gateway's grants: a tenant is reachable once ACTIVE.
    const { schemaVersion } = await admin.applyTenantPrivileges(
      tenant.databaseName,
      tenant.databaseRole,
      this.gatewayRole,
    );
    await this.hooks.afterStep('privileges_applied', tenant);
    return { method, schemaVersion };
  }

  /** Drops the tenant's database (closing its sessions) and then its role; each step is a no-op when already done. */
  async removeDatabase(admin: TenantDatabaseAdmin, tenant: Tenant): Promise<void> {
    await admin.dropDatabase(tenant.databaseName);
    await this.hooks.afterStep('database_dropped', tenant);
    await admin.dropRole(tenant.databaseRole);
    await this.hooks.afterStep('role_dropped', tenant);
  }

  /** Cleanup after a failed attempt, on a fresh session (the attempt's may be broken). Never throws: returns the error. */
  async removeAfterFailure(server: DatabaseServer, tenant: Tenant): Promise<Error | undefined> {
    try {
      await TenantDatabaseAdmin.use(await this.secrets.databaseServerUrl(server), async (admin) => {
        await admin.dropDatabase(tenant.databaseName);
        await admin.dropRole(tenant.databaseRole);
      });
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }

  /** Closes the tenant's database to the gateway and its own role (suspension) and ends the sessions they have open. */
  async blockAccess(server: DatabaseServer, tenant: Tenant): Promise<void> {
    await TenantDatabaseAdmin.use(await this.secrets.databaseServerUrl(server), async (admin) => {
      for (const role of [this.gatewayRole, tenant.databaseRole]) {
        await admin.revokeConnect(tenant.databaseName, role);
        await admin.terminateSessions(tenant.databaseName, role);
      }
    });
  }

  async allowAccess(server: DatabaseServer, tenant: Tenant): Promise<void> {
    await TenantDatabaseAdmin.use(await this.secrets.databaseServerUrl(server), async (admin) => {
      await admin.grantConnect(tenant.databaseName, tenant.databaseRole);
      await admin.grantGateway(tenant.databaseName, tenant.databaseRole, this.gatewayRole);
    });
  }
}
