// The autovacuum settings of the busy tenant tables (tenant migration *_autovacuum_busy_tables)
// reach the databases provisioning makes: a clone of the tenant template, and a template created
// before the migration existed, which TenantTemplateService brings up to date before cloning.
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { TenantDatabaseAdmin } from '@helpdeskly/database';
import { withDatabase } from '@helpdeskly/migrations';
import { testConfig } from '@helpdeskly/testing';
import { TenantTemplateService } from './tenant-template.service';

const MIGRATION = '20261202164811_autovacuum_busy_tables';
const BUSY_TABLES = ['comments', 'idempotency_keys', 'outbox_messages', 'ticket_events', 'tickets'];
const EXPECTED_OPTIONS = {
  comments: [
    'autovacuum_vacuum_scale_factor=0.05',
    'autovacuum_vacuum_insert_scale_factor=0.05',
    'autovacuum_analyze_scale_factor=0.02',
  ],
  idempotency_keys: ['autovacuum_vacuum_scale_factor=0.02', 'autovacuum_analyze_scale_factor=0.05'],
  outbox_messages: [
    'autovacuum_vacuum_scale_factor=0',
    'autovacuum_vacuum_threshold=200',
    'autovacuum_analyze_scale_factor=0',
    'autovacuum_analyze_threshold=200',
    'autovacuum_vacuum_cost_delay=0',
  ],
  ticket_events: [
    'autovacuum_vacuum_scale_factor=0.05',
    'autovacuum_vacuum_insert_scale_factor=0.05',
    'autovacuum_analyze_scale_factor=0.02',
  ],
  tickets: ['autovacuum_vacuum_scale_factor=0.05', 'autovacuum_analyze_scale_factor=0.02'],
};

async function withClient<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Storage parameters of the busy tables, by table (null: none set). */
async function reloptions(url: string): Promise<Record<string, string[] | null>> {
  const { rows } = await withClient(url, (c) =>
    c.query<{ relname: string; reloptions: string[] | null }>(
      "SELECT relname, reloptions FROM pg_class WHERE relkind = 'r' AND relname = ANY($1) ORDER BY relname",
      [BUSY_TABLES],
    ),
  );
  return Object.fromEntries(rows.map((r) => [r.relname, r.reloptions]));
}

describe('autovacuum settings of the busy tenant tables', () => {
  const run = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const config = testConfig({ TENANT_TEMPLATE_DATABASE: `helpdeskly_test_tuning_tpl_${run}` });
  const adminUrl = config.database.tenantServerUrl;
  const databases = [config.database.tenantTemplateDatabase];

  after(() =>
    TenantDatabaseAdmin.use(adminUrl, async (admin) => {
      for (const name of databases) await admin.dropDatabase(name);
    }),
  );

  it('are set in a tenant database cloned from a new template', async () => {
    const name = `helpdeskly_test_tuning_${run}_a`;
    databases.push(name);
    const method = await TenantDatabaseAdmin.use(adminUrl, (admin) =>
      new TenantTemplateService(config).createDatabase(admin, name),
    );
    expect(method).toBe('template');
    expect(await reloptions(withDatabase(adminUrl, name))).toEqual(EXPECTED_OPTIONS);
  });

  it('reach a template made before the migration, and the tenants cloned from it after', async () => {
    const templateUrl = withDatabase(adminUrl, config.database.tenantTemplateDatabase);
    // The template as it was before this migration: no storage parameters, migration not recorded.
    await withClient(templateUrl, async (c) => {
      for (const table of BUSY_TABLES)
        await c.query(
          `ALTER TABLE ${table} RESET (${EXPECTED_OPTIONS[table as keyof typeof EXPECTED_OPTIONS].map((o) => o.split('=')[0]).join(', ')})`,
        );
      await c.query('DELETE FROM _prisma_migrations WHERE migration_name = $1', [MIGRATION]);
    });
    expect(Object.values(await reloptions(templateUrl))).toEqual(BUSY_TABLES.map(() => null));

    const name = `helpdeskly_test_tuning_${run}_b`;
    databases.push(name);
    // A new service, like control-api after a deploy: it checks the template before its first clone.
    await TenantDatabaseAdmin.use(adminUrl, (admin) => new TenantTemplateService(config).createDatabase(admin, name));
    expect(await reloptions(templateUrl)).toEqual(EXPECTED_OPTIONS);
    expect(await reloptions(withDatabase(adminUrl, name))).toEqual(EXPECTED_OPTIONS);
  });
});
