import { Injectable } from '@nestjs/common';
import { ControlDatabase, type DatabaseServer, type Tenant, TenantStatus } from '@helpdeskly/database';

export type TenantOnServer = Pick<Tenant, 'id' | 'slug' | 'status' | 'databaseName' | 'schemaVersion'> & {
  databaseServer: DatabaseServer;
};

/** Tenants whose database exists and is kept current. */
export const LIVE_STATUSES: readonly TenantStatus[] = [TenantStatus.ACTIVE, TenantStatus.SUSPENDED];

const ON_SERVER = {
  id: true,
  slug: true,
  status: true,
  databaseName: true,
  schemaVersion: true,
  databaseServer: true,
} as const;

/** The tenants as the background jobs read them: stuck midway, behind on migrations, or live. */
@Injectable()
export class TenantLifecycleRepository {
  constructor(private readonly db: ControlDatabase) {}

  /** Tenants in one of `statuses` whose row has not changed since `before`, oldest first. */
  findUnchangedSince(
    statuses: readonly TenantStatus[],
    before: Date,
    limit: number,
  ): Promise<Pick<Tenant, 'id' | 'status'>[]> {
    return this.db.tenant.findMany({
      where: { status: { in: [...statuses] }, updatedAt: { lt: before } },
      select: { id: true, status: true },
      orderBy: { updatedAt: 'asc' },
      take: limit,
    });
  }

  /** Live tenants whose recorded schema version is not `latest`. */
  findBehind(latest: string): Promise<Pick<Tenant, 'id'>[]> {
    return this.db.tenant.findMany({
      where: { status: { in: [...LIVE_STATUSES] }, OR: [{ schemaVersion: null }, { schemaVersion: { not: latest } }] },
      select: { id: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  findOnServer(id: string): Promise<TenantOnServer | null> {
    return this.db.tenant.findUnique({ where: { id }, select: ON_SERVER });
  }

  findActiveOnServers(): Promise<TenantOnServer[]> {
    return this.db.tenant.findMany({
      where: { status: TenantStatus.ACTIVE },
      select: ON_SERVER,
      orderBy: { createdAt: 'asc' },
    });
  }

  async recordSchemaVersion(id: string, schemaVersion: string): Promise<void> {
    await this.db.tenant.update({ where: { id }, data: { schemaVersion } });
  }
}
