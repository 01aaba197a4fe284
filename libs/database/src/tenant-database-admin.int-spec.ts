// The low-level SQL of tenant provisioning against the machine's real PostgreSQL and PgBouncer.
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { loadConfig } from '@helpdeskly/config';
import { withDatabase } from '@helpdeskly/migrations';
import { PGBOUNCER_AUTH_ROLE, TenantDatabaseAdmin, isTemplateInUse, scramVerifier } from './tenant-database-admin';

const config = loadConfig();
const adminUrl = config.database.tenantServerUrl;

async function query<T extends object>(connectionString: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe(TenantDatabaseAdmin.name, () => {
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  // Quotes, a semicolon and spaces: identifiers must be quoted, never spliced.
  const hostile = `spec "odd"; DROP ROLE postgres; -- ${suffix}`;
  const role = `spec_admin_role_${suffix}`;
  const database = `spec_admin_db_${suffix}`;
  const clone = `spec_admin_clone_${suffix}`;
  const template = `spec_admin_template_${suffix}`;
  let sut: TenantDatabaseAdmin;

  before(async () => {
    sut = await TenantDatabaseAdmin.connect(adminUrl, 'helpdeskly-admin-spec');
  });

  after(async () => {
    for (const name of [clone, template, database, hostile]) await sut.dropDatabase(name);
    for (const name of [role, hostile]) await sut.dropRole(name);
    await sut.close();
  });

  it('computes a SCRAM-SHA-256 verifier, never the password itself', () => {
    const verifier = scramVerifier('correct horse');
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
    expect(verifier).not.toContain('correct horse');
    expect(scramVerifier('correct horse')).not.toBe(verifier);
  });

  it('creates roles and databases idempotently, quoting any name', async () => {
    expect(await sut.ensureRole(hostile, 'pw-1')).toBe(true);
    expect(await sut.ensureRole(hostile, 'pw-2')).toBe(false);
    expect(await sut.createDatabase(hostile)).toBe(true);
    expect(await sut.createDatabase(hostile)).toBe(false);
    expect(await sut.roleExists(hostile)).toBe(true);
    expect(await sut.databaseExists(hostile)).toBe(true);
    expect(await sut.roleExists('postgres')).toBe(true);

    await sut.dropDatabase(hostile);
    await sut.dropDatabase(hostile);
    await sut.dropRole(hostile);
    await sut.dropRole(hostile);
    expect(await sut.databaseExists(hostile)).toBe(false);
    expect(await sut.roleExists(hostile)).toBe(false);
  });

  it('stores a password PgBouncer accepts, and applies the privilege model: CONNECT and DML only', async () => {
    const password = randomBytes(24).toString('base64url');
    await sut.ensureRole(role, password);
    await sut.createDatabase(database);
    await query(withDatabase(adminUrl, database), 'CREATE TABLE things (id serial PRIMARY KEY, name text)');
    await sut.applyTenantPrivileges(database, role);
    await query(withDatabase(adminUrl, database), 'CREATE TABLE later (id int)');

    const acl = await query<{ owner: string; acl: string }>(
      adminUrl,
      'SELECT pg_get_userbyid(datdba) AS owner, datacl::text AS acl FROM pg_database WHERE datname = $1',
      [database],
    );
    expect(acl[0].owner).toBe(new URL(adminUrl).username);
    expect(acl[0].acl).toContain(`${role}=c/`);
    expect(acl[0].acl).toContain(`${PGBOUNCER_AUTH_ROLE}=c/`);
    expect(acl[0].acl).not.toMatch(/(^|[{,])=/);

    const asTenant = `postgresql://${role}:${password}@${config.database.pgbouncer.host}:${config.database.pgbouncer.port}/${database}`;
    await query(asTenant, `INSERT INTO things (name) VALUES ('a')`);
    await query(asTenant, 'INSERT INTO later (id) VALUES (1)');
    await expect(query(asTenant, 'DROP TABLE things')).rejects.toThrow(/must be owner/);
  });

  it('clones a template, and recognises a clone refused because a session is connected to the template', async () => {
    // A template of its own: PgBouncer keeps server connections to the databases used above.
    await sut.createDatabase(template);
    await query(withDatabase(adminUrl, template), `CREATE TABLE things (name text); INSERT INTO things VALUES ('a')`);
    const holder = new Client({ connectionString: withDatabase(adminUrl, template) });
    await holder.connect();
    try {
      const error = await sut.createDatabase(clone, { template }).catch((e: unknown) => e);
      expect(isTemplateInUse(error)).toBe(true);
    } finally {
      await holder.end();
    }
    expect(await sut.createDatabase(clone, { template })).toBe(true);
    expect(await query(withDatabase(adminUrl, clone), 'SELECT count(*)::int AS n FROM things')).toEqual([{ n: 1 }]);
  });

  it('grants an advisory lock to one session at a time', async () => {
    const other = await TenantDatabaseAdmin.connect(adminUrl, 'helpdeskly-admin-spec');
    try {
      const name = `spec-lock-${suffix}`;
      expect(await sut.tryLock(name)).toBe(true);
      expect(await other.tryLock(name)).toBe(false);
      const order: string[] = [];
      let waiting: Promise<void> | undefined;
      await sut.withLock(`${name}-2`, async () => {
        waiting = other.withLock(`${name}-2`, async () => void order.push('second'));
        await new Promise((resolve) => setTimeout(resolve, 100));
        order.push('first');
      });
      await waiting;
      expect(order).toEqual(['first', 'second']);
    } finally {
      await other.close();
    }
  });
});
