import { randomBytes, randomUUID } from 'node:crypto';
import { SecretBox, type Tenant, TenantStatus } from '@helpdeskly/database';
import { type ControlFixture, uniqueSuffix } from './control-fixture';
import { DatabaseServersService, tenantDatabaseNames, TenantsService } from '@helpdeskly/tenants';

/**
 * Tenant rows written straight into the control database, in the state a crash or an outage
 * would leave them (PROVISIONING with no database yet, FAILED, ACTIVE without its database...).
 */
export class TenantRows {
  private readonly ids: string[] = [];

  constructor(private readonly fx: ControlFixture) {}

  async insert(status: TenantStatus, options: { minutesAgo?: number } = {}): Promise<Tenant> {
    const app = this.fx.running.app;
    const server = await app.get(DatabaseServersService).registerPrimary();
    const id = randomUUID();
    const suffix = uniqueSuffix();
    const tenant = await this.fx.db.tenant.create({
      data: {
        id,
        slug: `rows-${suffix}`,
        name: `Rows ${suffix}`,
        status,
        databaseServerId: server.id,
        ...tenantDatabaseNames(id),
        databasePasswordEnc: app.get(SecretBox).seal(randomBytes(32).toString('base64url')),
      },
    });
    this.ids.push(id);
    if (options.minutesAgo)
      await this.fx.db
        .$executeRaw`UPDATE tenants SET updated_at = now() - make_interval(mins => ${options.minutesAgo}) WHERE id = ${id}::uuid`;
    return tenant;
  }

  status(id: string): Promise<TenantStatus | undefined> {
    return this.fx.db.tenant.findUnique({ where: { id }, select: { status: true } }).then((row) => row?.status);
  }

  /** Deletes every tenant inserted (its database and role, when they exist). */
  async cleanUp(): Promise<void> {
    const tenants = this.fx.running.app.get(TenantsService);
    for (const id of this.ids) {
      // A tenant left SUSPENDED or FAILED is deleted like any other; one busy elsewhere is left DELETING.
      await tenants
        .deleteTenant(id)
        .catch(() => this.fx.db.tenant.update({ where: { id }, data: { status: TenantStatus.DELETED } }));
    }
  }
}
