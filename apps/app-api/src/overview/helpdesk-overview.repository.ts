import { Injectable } from '@nestjs/common';
import type { Setting } from '@helpdeskly/database';
import { TenantDatabase } from '@helpdeskly/tenant-data';

/** Helpdesk-wide reads of the current tenant's database, for the overview. */
@Injectable()
export class HelpdeskOverviewRepository {
  constructor(private readonly db: TenantDatabase) {}

  settings(): Promise<Setting[]> {
    return this.db.client().setting.findMany({ orderBy: { key: 'asc' } });
  }

  countTickets(): Promise<number> {
    return this.db.client().ticket.count({ where: { deletedAt: null } });
  }
}
