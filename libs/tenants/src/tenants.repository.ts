import { Injectable } from '@nestjs/common';
import { ControlDatabase, type DatabaseServer, type Tenant, TenantStatus } from '@helpdeskly/database';

export interface NewTenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly plan?: string;
  readonly databaseServerId: string;
  readonly databaseName: string;
  readonly databaseRole: string;
  readonly databasePasswordEnc: string;
}

export type TenantWithServer = Tenant & { databaseServer: DatabaseServer };

export interface TenantChanges {
  readonly status?: TenantStatus;
  readonly statusReason?: string | null;
  readonly schemaVersion?: string | null;
  readonly deletedAt?: Date | null;
}

/** The only place that reads and writes tenants in the control database. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly db: ControlDatabase) {}

  /** Inserts a PROVISIONING tenant; a taken slug fails with Prisma's P2002. */
  create(tenant: NewTenant): Promise<Tenant> {
    return this.db.tenant.create({ data: { ...tenant, status: TenantStatus.PROVISIONING } });
  }

  findById(id: string): Promise<Tenant | null> {
    return this.db.tenant.findUnique({ where: { id } });
  }

  findBySlug(slug: string): Promise<Tenant | null> {
    return this.db.tenant.findUnique({ where: { slug } });
  }

  findWithServer(id: string): Promise<TenantWithServer | null> {
    return this.db.tenant.findUnique({ where: { id }, include: { databaseServer: true } });
  }

  update(id: string, changes: TenantChanges): Promise<Tenant> {
    return this.db.tenant.update({ where: { id }, data: changes });
  }

  /** Applies `changes` only if the tenant's status is one of `from`; null when it was not (a lost race or a wrong state). */
  async transition(id: string, from: readonly TenantStatus[], changes: TenantChanges): Promise<Tenant | null> {
    const { count } = await this.db.tenant.updateMany({ where: { id, status: { in: [...from] } }, data: changes });
    return count === 1 ? this.findById(id) : null;
  }
}
