import { Injectable } from '@nestjs/common';
import {
  type ControlPrisma as Prisma,
  ControlDatabase,
  type Page,
  pageArgs,
  TenantStatus,
  toPage,
} from '@helpdeskly/database';

export interface AdminTenantQuery {
  readonly status?: TenantStatus;
  /** Case-insensitive part of the slug. */
  readonly slugContains?: string;
  /** Id of the last tenant of the previous page. */
  readonly cursor?: string;
  readonly limit: number;
}

// Every column a platform admin may see: never the sealed database password.
const TENANT_FIELDS = {
  id: true,
  slug: true,
  name: true,
  status: true,
  statusReason: true,
  plan: true,
  rateLimits: true,
  settings: true,
  databaseName: true,
  databaseRole: true,
  schemaVersion: true,
  createdAt: true,
  updatedAt: true,
  deletedAt: true,
  databaseServer: { select: { id: true, name: true } },
  _count: { select: { memberships: true } },
} satisfies Prisma.TenantSelect;

export type AdminTenantRow = Prisma.TenantGetPayload<{ select: typeof TENANT_FIELDS }>;

/** Tenants as the platform admin reads them, across every tenant. */
@Injectable()
export class AdminTenantsRepository {
  constructor(private readonly db: ControlDatabase) {}

  /** Newest first; stable under inserts (createdAt, then id). */
  async list(query: AdminTenantQuery): Promise<Page<AdminTenantRow>> {
    const rows = await this.db.tenant.findMany({
      where: {
        status: query.status,
        slug: query.slugContains ? { contains: query.slugContains, mode: 'insensitive' } : undefined,
      },
      select: TENANT_FIELDS,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...pageArgs(query.cursor, query.limit),
    });
    return toPage(rows, query.limit);
  }

  findById(id: string): Promise<AdminTenantRow | null> {
    return this.db.tenant.findUnique({ where: { id }, select: TENANT_FIELDS });
  }

  updateLimits(id: string, changes: { plan?: string; rateLimits?: Record<string, number> }): Promise<AdminTenantRow> {
    return this.db.tenant.update({ where: { id }, data: changes, select: TENANT_FIELDS });
  }
}
