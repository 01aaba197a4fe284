// Provisioning against the machine's real PostgreSQL and PgBouncer: every database and role made
// here is named tenant_<uuid> and removed in `after`.
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Test, type TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import { CacheModule } from '@helpdeskly/cache';
import { ConfigModule } from '@helpdeskly/config';
import { ControlDatabase, DatabaseModule, SecretBox, type Tenant, TenantDatabaseAdmin } from '@helpdeskly/database';
import { SecretsModule } from '@helpdeskly/secrets';
import { MetricsModule } from '@helpdeskly/metrics';
import { withDatabase } from '@helpdeskly/migrations';
import { RedisModule } from '@helpdeskly/redis';
import { testConfig, waitFor } from '@helpdeskly/testing';
import { AuditTrailModule } from '@helpdeskly/audit';
import { DatabaseServersService, PRIMARY_SERVER_NAME } from './database-servers.service';
import { type ProvisioningStep, ProvisioningHooks } from './provisioning.hooks';
import { TenantsErrorCode, TenantsException } from './tenants.errors';
import { TenantsModule } from './tenants.module';
import { TenantsService } from './tenants.service';

const config = testConfig();
const adminUrl = config.database.tenantServerUrl;
const bouncer = config.database.pgbouncer;

/** TenantsModule with what it needs from the platform: the control database, Redis, the cache and the audit trail. */
const tenantsTestingModule = () =>
  Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      SecretsModule,
      DatabaseModule,
      RedisModule,
      CacheModule,
      MetricsModule.forRoot(false),
      AuditTrailModule,
      TenantsModule,
    ],
  });

/** Throws once after the chosen step, like a crash midway. */
class FailingHooks extends ProvisioningHooks {
  failAfter?: ProvisioningStep;

  override async afterStep(step: ProvisioningStep): Promise<void> {
    if (step !== this.failAfter) return;
    this.failAfter = undefined;
    throw new Error(`injected failure after ${step}`);
  }
}

async function withClient<T>(
  options: ConstructorParameters<typeof Client>[0],
  run: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client(options);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The error a connection attempt (and `run`) ends with, or undefined when it worked. */
async function failureOf(
  options: ConstructorParameters<typeof Client>[0],
  run: (client: Client) => Promise<unknown> = (c) => c.query('SELECT 1'),
): Promise<(Error & { code?: string }) | undefined> {
  try {
    await withClient(options, run);
    return undefined;
  } catch (error) {
    return error as Error & { code?: string };
  }
}

describe(TenantsService.name, () => {
  const hooks = new FailingHooks();
  const run = `${process.pid}${randomBytes(3).toString('hex')}`;
  const slug = (name: string) => `spec-${run}-${name}`;
  const created: Tenant[] = [];
  let moduleRef: TestingModule;
  let sut: TenantsService;
  let db: ControlDatabase;
  let box: SecretBox;

  const track = (tenant: Tenant) => {
    created.push(tenant);
    return tenant;
  };
  const create = async (name: string) => track(await sut.createTenant({ slug: slug(name), name: `Spec ${name}` }));
  const password = (tenant: Tenant) => box.open(tenant.databasePasswordEnc);
  const viaBouncer = (tenant: Tenant, database = tenant.databaseName) => ({
    host: bouncer.host,
    port: bouncer.port,
    user: tenant.databaseRole,
    password: password(tenant),
    database,
  });
  const direct = (tenant: Tenant, database = tenant.databaseName) => ({
    ...viaBouncer(tenant, database),
    host: '127.0.0.1',
    port: 5432,
  });
  const viaGateway = (tenant: Tenant, database = tenant.databaseName) => ({
    host: bouncer.host,
    port: bouncer.port,
    user: config.tenancy.gateway.role,
    password: config.tenancy.gateway.password,
    database,
  });
  const exists = (tenant: Tenant) =>
    TenantDatabaseAdmin.use(adminUrl, async (admin) => ({
      database: await admin.databaseExists(tenant.databaseName),
      role: await admin.roleExists(tenant.databaseRole),
    }));
  const auditActions = async (tenantId: string) =>
    (await db.auditLog.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } })).map((entry) => entry.action);

  before(async () => {
    moduleRef = await tenantsTestingModule().overrideProvider(ProvisioningHooks).useValue(hooks).compile();
    // Failures are injected on purpose here; their error logs would only be noise.
    moduleRef.useLogger(false);
    await moduleRef.init();
    sut = moduleRef.get(TenantsService);
    db = moduleRef.get(ControlDatabase);
    box = SecretBox.fromKey(config.auth.dbEncryptionKey!);
  });

  after(async () => {
    hooks.failAfter = undefined;
    for (const tenant of created) await sut.deleteTenant(tenant.id).catch(() => undefined);
    // Whatever a failed deletion left behind.
    await TenantDatabaseAdmin.use(adminUrl, async (admin) => {
      for (const tenant of created) {
        await admin.dropDatabase(tenant.databaseName);
        await admin.dropRole(tenant.databaseRole);
      }
    });
    await moduleRef.close();
  });

  it('creates an ACTIVE tenant with its own database and role, recorded as migrated', async () => {
    const tenant = await create('basic');

    expect(tenant).toMatchObject({
      status: 'ACTIVE',
      statusReason: null,
      databaseName: `tenant_${tenant.id.replaceAll('-', '')}`,
    });
    expect(tenant.databaseRole).toBe(tenant.databaseName);
    expect(await exists(tenant)).toEqual({ database: true, role: true });
    const migrations = await withClient({ connectionString: withDatabase(adminUrl, tenant.databaseName) }, async (c) =>
      (
        await c.query<{ name: string }>(
          'SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1',
        )
      ).rows.map((r) => r.name),
    );
    expect(migrations.length).toBeGreaterThan(0);
    expect(tenant.schemaVersion).toBe(migrations.at(-1));
    expect(await auditActions(tenant.id)).toEqual([
      'tenant.created',
      'tenant.provisioning.started',
      'tenant.provisioning.succeeded',
    ]);
  });

  it("reaches the tenant's database through PgBouncer as the gateway role, which the database runs as the tenant's role", async () => {
    const tenant = await create('bouncer');
    const url = new URL(await sut.pgBouncerUrl(tenant.id));
    expect(url.port).toBe(String(bouncer.port));
    expect(url.username).toBe(config.tenancy.gateway.role);

    const { who, rows } = await withClient({ connectionString: url.toString() }, async (c) => {
      await c.query(`INSERT INTO settings (key, value, updated_at) VALUES ('sla', '{"hours": 4}', now())`);
      await c.query(`UPDATE settings SET value = '{"hours": 8}', updated_at = now() WHERE key = 'sla'`);
      return {
        who: (await c.query<{ current_user: string; session_user: string }>('SELECT current_user, session_user'))
          .rows[0],
        rows: (await c.query<{ key: string; value: unknown }>('SELECT key, value FROM settings')).rows,
      };
    });
    expect(who).toEqual({ current_user: tenant.databaseRole, session_user: config.tenancy.gateway.role });
    expect(rows).toEqual([{ key: 'sla', value: { hours: 8 } }]);

    const wrongPassword = await failureOf({ ...viaGateway(tenant), password: 'not-the-password' });
    expect(wrongPassword?.message).toMatch(/authentication failed/);
    // Without its own privileges, the gateway reads nothing once it is not the tenant's role.
    const reset = await failureOf(viaGateway(tenant), async (c) => {
      await c.query('BEGIN');
      await c.query('SET LOCAL ROLE NONE');
      await c.query('SELECT * FROM settings');
    });
    expect(reset?.message).toMatch(/permission denied for table settings/);
  });

  it("keeps a tenant's role out of another tenant's database, directly and through PgBouncer, and away from DDL and migrations", async () => {
    const [a, b] = [await create('iso-a'), await create('iso-b')];

    const directly = await failureOf(direct(a, b.databaseName));
    expect(directly?.message).toMatch(/permission denied for database/);
    const pooled = await failureOf(viaBouncer(a, b.databaseName));
    expect(pooled?.message).toMatch(/permission denied for database/);
    // The gateway reaches every tenant's database, each time as that tenant: B's rows only, never A's.
    const asB = await withClient(
      viaGateway(a, b.databaseName),
      async (c) => (await c.query<{ current_user: string }>('SELECT current_user')).rows[0].current_user,
    );
    expect(asB).toBe(b.databaseRole);
    const roleOfA = await failureOf(viaGateway(b), async (c) => {
      await c.query('BEGIN');
      await c.query(`SET LOCAL ROLE "${a.databaseRole}"`);
      await c.query('SELECT * FROM settings');
    });
    expect(roleOfA?.message).toMatch(/permission denied for table settings/);

    const drop = await failureOf(viaBouncer(a), (c) => c.query('DROP TABLE settings'));
    expect(drop?.message).toMatch(/must be owner of table settings/);
    const migrationsTable = await failureOf(viaBouncer(a), (c) => c.query('SELECT * FROM _prisma_migrations'));
    expect(migrationsTable?.message).toMatch(/permission denied/);
    const createTable = await failureOf(viaBouncer(a), (c) => c.query('CREATE TABLE mine (id int)'));
    expect(createTable?.message).toMatch(/permission denied for schema public/);
  });

  for (const step of ['role_created', 'database_created', 'privileges_applied'] as const) {
    it(`leaves no orphan role or database when provisioning fails after ${step}, marks the tenant FAILED, and a retry succeeds`, async () => {
      hooks.failAfter = step;
      const attempt = sut.createTenant({ slug: slug(`fail-${step.replace('_', '-')}`), name: 'Failing' });
      const error = (await attempt.catch((e: unknown) => e)) as TenantsException;

      expect(error).toBeInstanceOf(TenantsException);
      expect(error.code).toBe(TenantsErrorCode.ProvisioningFailed);
      const failed = track((await sut.findBySlug(slug(`fail-${step.replace('_', '-')}`)))!);
      expect(failed.status).toBe('FAILED');
      expect(failed.statusReason).toContain(`injected failure after ${step}`);
      expect(await exists(failed)).toEqual({ database: false, role: false });

      const retried = await sut.provision(failed.id);
      expect(retried.status).toBe('ACTIVE');
      expect(retried.statusReason).toBeNull();
      expect(await exists(retried)).toEqual({ database: true, role: true });
      expect(await failureOf(viaBouncer(retried))).toBeUndefined();
      expect(await auditActions(failed.id)).toEqual([
        'tenant.created',
        'tenant.provisioning.started',
        'tenant.provisioning.failed',
        'tenant.provisioning.started',
        'tenant.provisioning.succeeded',
      ]);
    });
  }

  it('retries one tenant once when two requests provision it at the same time, and leaves an ACTIVE one alone', async () => {
    hooks.failAfter = 'role_created';
    await sut.createTenant({ slug: slug('race'), name: 'Race' }).catch(() => undefined);
    const failed = track((await sut.findBySlug(slug('race')))!);

    const results = await Promise.allSettled([sut.provision(failed.id), sut.provision(failed.id)]);
    for (const result of results) {
      if (result.status === 'fulfilled') expect(result.value.status).toBe('ACTIVE');
      else expect(result.reason).toMatchObject({ code: TenantsErrorCode.Busy, status: 409 });
    }
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    const active = await sut.findById(failed.id);
    expect(active.status).toBe('ACTIVE');
    expect((await auditActions(failed.id)).filter((a) => a === 'tenant.provisioning.succeeded')).toHaveLength(1);

    expect(await sut.provision(failed.id)).toMatchObject({ status: 'ACTIVE', updatedAt: active.updatedAt });
    expect(await failureOf(viaBouncer(active))).toBeUndefined();
  });

  it('provisions ten tenants at once', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => sut.createTenant({ slug: slug(`many-${i}`), name: `Many ${i}` })),
    );
    for (const result of results) if (result.status === 'fulfilled') track(result.value);

    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.value.status))).toEqual(
      Array(10).fill('ACTIVE'),
    );
    for (const tenant of created.slice(-10)) expect(await exists(tenant)).toEqual({ database: true, role: true });
  });

  it('gives one tenant and one 409 to two concurrent creations with the same slug', async () => {
    const results = await Promise.allSettled([0, 1].map(() => sut.createTenant({ slug: slug('same'), name: 'Same' })));
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r) => r.status === 'rejected');
    for (const result of fulfilled) track(result.value);

    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const error = rejected[0].reason as TenantsException;
    expect(error).toBeInstanceOf(TenantsException);
    expect(error.code).toBe(TenantsErrorCode.SlugTaken);
    expect(error.status).toBe(409);
    expect(await db.tenant.count({ where: { slug: slug('same') } })).toBe(1);
  });

  it('suspends (neither the gateway nor the role can connect, open sessions end) and resumes', async () => {
    const tenant = await create('suspend');
    const open = new Client(viaGateway(tenant));
    open.on('error', () => undefined);
    await open.connect();
    await open.query('SELECT 1');

    expect((await sut.suspend(tenant.id)).status).toBe('SUSPENDED');
    expect((await failureOf(direct(tenant)))?.message).toMatch(/permission denied for database/);
    // PostgreSQL refuses the gateway's login; PgBouncer answers its client once it stops retrying.
    expect((await failureOf(viaGateway(tenant)))?.message).toMatch(/permission denied for database|query_wait_timeout/);
    await expect(open.query('SELECT 1')).rejects.toThrow();
    await open.end().catch(() => undefined);
    expect((await sut.resume(tenant.id)).status).toBe('ACTIVE');
    expect(await failureOf(direct(tenant))).toBeUndefined();
    // PgBouncer holds a failed server login against the pool for server_login_retry (1 s).
    await waitFor(
      'the gateway to log in again',
      async () => (await failureOf(viaGateway(tenant))) === undefined,
      5_000,
      200,
    );

    await sut.deleteTenant(tenant.id);
    await expect(sut.suspend(tenant.id)).rejects.toMatchObject({ code: TenantsErrorCode.StateConflict, status: 409 });
  });

  it('deletes a tenant: DELETING, then database and role dropped, then DELETED; resumes after a crash midway', async () => {
    const tenant = await create('delete');
    // An open session of the tenant does not hold the deletion up (WITH (FORCE)).
    const session = new Client(direct(tenant));
    session.on('error', () => undefined);
    await session.connect();

    hooks.failAfter = 'database_dropped';
    await expect(sut.deleteTenant(tenant.id)).rejects.toMatchObject({ code: TenantsErrorCode.DeletionFailed });
    const interrupted = await sut.findById(tenant.id);
    expect(interrupted.status).toBe('DELETING');
    expect(await exists(tenant)).toEqual({ database: false, role: true });
    await session.end().catch(() => undefined);

    const deleted = await sut.deleteTenant(tenant.id);
    expect(deleted.status).toBe('DELETED');
    expect(deleted.deletedAt).toBeInstanceOf(Date);
    expect(await exists(tenant)).toEqual({ database: false, role: false });
    expect(await sut.deleteTenant(tenant.id)).toMatchObject({ status: 'DELETED' });
    expect(await auditActions(tenant.id)).toEqual(
      expect.arrayContaining(['tenant.deletion.started', 'tenant.deletion.failed', 'tenant.deleted']),
    );
  });

  it('migrates an empty database when the template cannot be cloned (a session is connected to it)', async () => {
    await create('warm-template');
    const holder = new Client({ connectionString: withDatabase(adminUrl, config.database.tenantTemplateDatabase) });
    await holder.connect();
    let tenant: Tenant;
    try {
      tenant = await create('fallback');
    } finally {
      await holder.end();
    }

    expect(tenant.status).toBe('ACTIVE');
    expect(tenant.schemaVersion).toBe(created[0].schemaVersion);
    const succeeded = await db.auditLog.findFirstOrThrow({
      where: { tenantId: tenant.id, action: 'tenant.provisioning.succeeded' },
    });
    expect(succeeded.metadata).toMatchObject({ method: 'migrations' });
    expect(await failureOf(viaBouncer(tenant), (c) => c.query('SELECT count(*) FROM settings'))).toBeUndefined();
    // The next one clones again.
    const next = await create('after-fallback');
    const nextSucceeded = await db.auditLog.findFirstOrThrow({
      where: { tenantId: next.id, action: 'tenant.provisioning.succeeded' },
    });
    expect(nextSucceeded.metadata).toMatchObject({ method: 'template' });
  });
});

describe(DatabaseServersService.name, () => {
  let moduleRef: TestingModule;
  let sut: DatabaseServersService;

  before(async () => {
    moduleRef = await tenantsTestingModule().compile();
    await moduleRef.init();
    sut = moduleRef.get(DatabaseServersService);
  });

  after(() => moduleRef.close());

  it('registers the server of DATABASE_URL at start-up and places new tenants on it', async () => {
    const primary = await sut.registerPrimary();
    expect(primary).toMatchObject({
      name: PRIMARY_SERVER_NAME,
      adminUrl,
      pgbouncerHost: bouncer.host,
      pgbouncerPort: bouncer.port,
      active: true,
    });
    expect((await sut.pickLeastLoaded()).id).toBeDefined();
  });

  it('refuses to register a server it cannot connect to, or under a taken name', async () => {
    const unreachable = {
      name: `spec-${randomBytes(3).toString('hex')}`,
      adminUrl: 'postgresql://postgres@127.0.0.1:1/postgres',
      pgbouncerHost: '127.0.0.1',
      pgbouncerPort: 6432,
    };
    await expect(sut.register(unreachable)).rejects.toMatchObject({
      code: TenantsErrorCode.DatabaseServerUnreachable,
      status: 422,
    });
    await expect(sut.register({ ...unreachable, name: PRIMARY_SERVER_NAME, adminUrl })).rejects.toMatchObject({
      code: TenantsErrorCode.DatabaseServerNameTaken,
      status: 409,
    });
  });
});
