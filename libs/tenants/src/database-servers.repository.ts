import { Injectable } from '@nestjs/common';
import { ControlDatabase, type DatabaseServer, TenantStatus } from '@helpdeskly/database';

export interface DatabaseServerFields {
  readonly name: string;
  readonly adminUrl: string;
  readonly pgbouncerHost: string;
  readonly pgbouncerPort: number;
  readonly capacity?: number;
}

export interface DatabaseServerLoad {
  readonly server: DatabaseServer;
  /** Tenants that hold (or are about to hold, or still hold) a database on the server. */
  readonly liveTenants: number;
}

// FAILED and DELETED tenants hold no database; the others count against a server's capacity.
const LIVE_STATUSES: TenantStatus[] = [
  TenantStatus.PROVISIONING,
  TenantStatus.ACTIVE,
  TenantStatus.SUSPENDED,
  TenantStatus.DELETING,
];

@Injectable()
export class DatabaseServersRepository {
  constructor(private readonly db: ControlDatabase) {}

  /** Creates the server named `fields.name`, or updates its addresses (capacity is left as an admin set it). */
  upsertByName(fields: DatabaseServerFields): Promise<DatabaseServer> {
    const { name, adminUrl, pgbouncerHost, pgbouncerPort } = fields;
    return this.db.databaseServer.upsert({
      where: { name },
      create: { name, adminUrl, pgbouncerHost, pgbouncerPort, capacity: fields.capacity },
      update: { adminUrl, pgbouncerHost, pgbouncerPort, active: true },
    });
  }

  create(fields: DatabaseServerFields): Promise<DatabaseServer> {
    return this.db.databaseServer.create({ data: { ...fields } });
  }

  findById(id: string): Promise<DatabaseServer | null> {
    return this.db.databaseServer.findUnique({ where: { id } });
  }

  list(): Promise<DatabaseServer[]> {
    return this.db.databaseServer.findMany({ orderBy: { name: 'asc' } });
  }

  async activeWithLoad(): Promise<DatabaseServerLoad[]> {
    const rows = await this.db.databaseServer.findMany({
      where: { active: true },
      include: { _count: { select: { tenants: { where: { status: { in: LIVE_STATUSES } } } } } },
      orderBy: { name: 'asc' },
    });
    return rows.map(({ _count, ...server }) => ({ server, liveTenants: _count.tenants }));
  }
}
