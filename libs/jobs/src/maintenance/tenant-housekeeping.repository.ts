import { Injectable } from '@nestjs/common';
import { Client } from 'pg';
import { withDatabase } from '@helpdeskly/migrations';
import type { TenantOnServer } from '../tenant-lifecycle.repository';
import { Secrets } from '@helpdeskly/secrets';

export interface TenantPurgeCounts {
  readonly tickets: number;
  readonly idempotencyKeys: number;
}

/**
 * Deletes for good, in one tenant's database, what has outlived its retention. It connects with
 * the admin URL of the tenant's server (its credentials from Secrets; owner of the tenant's tables), one short session per
 * tenant, never through PgBouncer.
 */
@Injectable()
export class TenantHousekeepingRepository {
  constructor(private readonly secrets: Secrets) {}

  async purge(tenant: TenantOnServer, trashRetentionDays: number): Promise<TenantPurgeCounts> {
    const client = new Client({
      connectionString: withDatabase(await this.secrets.databaseServerUrl(tenant.databaseServer), tenant.databaseName),
      application_name: 'helpdeskly-maintenance',
      connectionTimeoutMillis: 5_000,
    });
    client.on('error', () => undefined); // a session lost while idle: the next query reports it
    await client.connect();
    try {
      // Comments, events and tags of a ticket go with it (ON DELETE CASCADE).
      const tickets = await client.query(`DELETE FROM tickets WHERE deleted_at < now() - make_interval(days => $1)`, [
        trashRetentionDays,
      ]);
      const keys = await client.query(`DELETE FROM idempotency_keys WHERE expires_at < now()`);
      return { tickets: tickets.rowCount ?? 0, idempotencyKeys: keys.rowCount ?? 0 };
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
