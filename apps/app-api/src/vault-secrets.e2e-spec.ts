import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { keyIdOf } from '@helpdeskly/auth';
import { MembershipRole, SecretBox } from '@helpdeskly/database';
import { applyMigrations, withDatabase } from '@helpdeskly/migrations';
import { freePort, VaultStandIn, waitFor } from '@helpdeskly/testing';
import { AppFixture } from './testing/app-fixture';
import { uniqueSuffix } from '../../control-api/src/testing/control-fixture';

const ROOT = join(__dirname, '../../..');
const secret = (label: string) => `${label}-${randomBytes(24).toString('base64url')}`;
/** Runs a TypeScript entry point of the repository with `env` until it exits (async: a VaultStandIn of this process must answer it). */
function runScript(
  entry: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', '@swc-node/register', join(ROOT, entry), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not exit within 90 s:\n${stdout}${stderr}`));
    }, 90_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** control-api's real main.ts, expected to refuse to start. */
const runControlApi = async (env: Record<string, string>) =>
  runScript('apps/control-api/src/main.ts', [], { CONTROL_PORT: String(await freePort()), ...env });

const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

/** Every variable that would let the app fall back to the environment, emptied: what it uses came from Vault. */
const NO_ENV_SECRETS = { JWT_SECRET: '', JWT_PREVIOUS_SECRET: '', DB_ENCRYPTION_KEY: '' };

// Against VaultStandIn (libs/testing), NOT HashiCorp Vault: a small HTTP server with Vault's KV v2
// read/write, AppRole login and sys/health endpoints. Real Vault cannot be installed here.
describe('secrets from Vault (KV v2 + AppRole, against the VaultStandIn HTTP server)', () => {
  const vault = new VaultStandIn();
  const jwtA = secret('jwt-a');
  const jwtB = secret('jwt-b');
  const keyV1 = secret('db-key-v1');
  const keyV2 = secret('db-key-v2');
  const adminRoles = [`hd_vault_admin_${uniqueSuffix()}`, `hd_vault_admin_${uniqueSuffix()}`];
  const postgres = new Client({ connectionString: process.env.DATABASE_URL });
  let fx: AppFixture;

  before(async () => {
    await vault.start(0);
    vault.loginLeaseSeconds = 3600;
    // ttl: how long the app keeps a read before reading again (a rotation is seen within it).
    vault.put('helpdeskly/jwt', { secret: jwtA, ttl: '1s' });
    vault.put('helpdeskly/db-encryption', { v1: keyV1, current: 'v1', ttl: '1s' });
    await postgres.connect();
    // The primary server's admin credentials come from Vault: roles of their own, so the owner of
    // a database the app creates shows which credentials it connected with (trust auth here).
    for (const role of adminRoles) await postgres.query(`CREATE ROLE ${role} LOGIN SUPERUSER`);
    vault.put('helpdeskly/database-servers/primary', {
      username: adminRoles[0],
      password: 'checked-by-the-real-server',
      ttl: '1s',
    });
    fx = await AppFixture.start({
      ...NO_ENV_SECRETS,
      VAULT_ADDR: vault.addr,
      VAULT_ROLE_ID: vault.roleId,
      VAULT_SECRET_ID: vault.secretId,
      VAULT_SECRET_TTL_SECONDS: '5',
      BREAKER_RESET_MS: '2000',
    });
  });

  after(async () => {
    await fx?.close();
    await vault.stop();
    for (const role of adminRoles) await postgres.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await postgres.end();
  });

  const ownerOf = async (databaseName: string) =>
    (
      await postgres.query<{ owner: string }>(
        'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
        [databaseName],
      )
    ).rows[0]?.owner;

  it('signs with the JWT key, seals with the encryption key and provisions with the server credentials read from Vault through AppRole', async () => {
    const owner = await fx.createTenantWithOwner();
    expect(kidOf(owner.token)).toBe(keyIdOf(jwtA));
    // The tenant's database password was sealed with Vault's v1 key (not DB_ENCRYPTION_KEY), and
    // app-api opened it to serve the tenant.
    expect(owner.tenant.databasePasswordEnc.startsWith('v1:')).toBe(true);
    expect(() => SecretBox.fromKey(keyV1).open(owner.tenant.databasePasswordEnc)).not.toThrow();
    expect(() => SecretBox.fromKey(process.env.DB_ENCRYPTION_KEY!).open(owner.tenant.databasePasswordEnc)).toThrow();
    expect((await fx.request('GET', '/v1/tickets', { token: owner.token })).status).toBe(200);
    expect(await ownerOf(owner.tenant.databaseName)).toBe(adminRoles[0]);
    // Logged in with AppRole, never with the root token.
    expect(vault.logins()).toBeGreaterThanOrEqual(1);
    expect(vault.requests.some((r) => r.token === vault.rootToken)).toBe(false);
  });

  it('picks up rotated secrets when their TTL ends, without a restart, and tokens signed before keep working', async () => {
    const before = await fx.createTenantWithOwner();
    const tokenSignedWithA = before.token;

    vault.put('helpdeskly/jwt', { secret: jwtB, previous_secret: jwtA, ttl: '1s' });
    vault.put('helpdeskly/db-encryption', { v1: keyV1, v2: keyV2, current: 'v2', ttl: '1s' });
    vault.put('helpdeskly/database-servers/primary', {
      username: adminRoles[1],
      password: 'checked-by-the-real-server',
      ttl: '1s',
    });
    await waitFor(
      'a token signed with the rotated key',
      async () => kidOf(fx.tokenFor(before.user, before.tenant, MembershipRole.OWNER)) === keyIdOf(jwtB),
      15_000,
    );

    // Signed with the old key: still accepted (previous_secret), by both APIs.
    expect((await fx.request('GET', '/v1/tickets', { token: tokenSignedWithA })).status).toBe(200);
    // A tenant created now: password sealed with v2, database created with the rotated credentials.
    await waitFor(
      'the rotated encryption key',
      async () => {
        const probe = await fx.control.createTenant();
        return probe.databasePasswordEnc.startsWith('v2:');
      },
      15_000,
    );
    const after = await fx.createTenantWithOwner();
    expect(after.tenant.databasePasswordEnc.startsWith('v2:')).toBe(true);
    await waitFor(
      'the rotated server credentials',
      async () => (await ownerOf((await fx.control.createTenant()).databaseName)) === adminRoles[1],
      15_000,
    );
    // Both the v1-sealed and the v2-sealed tenant are served.
    expect((await fx.request('GET', '/v1/tickets', { token: after.token })).status).toBe(200);
    expect(
      (await fx.request('GET', '/v1/tickets', { token: fx.tokenFor(before.user, before.tenant, MembershipRole.OWNER) }))
        .status,
    ).toBe(200);

    // The previous key retired in Vault: its tokens are refused once the TTL has passed.
    vault.put('helpdeskly/jwt', { secret: jwtB, ttl: '1s' });
    await waitFor(
      'the retired key refused',
      async () => (await fx.request('GET', '/v1/tickets', { token: tokenSignedWithA })).status === 401,
      15_000,
    );
  });

  it('logs in again with AppRole when Vault revokes its token', async () => {
    const logins = vault.logins();
    vault.revokeTokens();
    await waitFor('a new AppRole login', async () => vault.logins() > logins, 15_000);
    const ready = await fx.request('GET', '/health/ready');
    expect(ready.body.secrets).toMatchObject({ provider: 'vault', status: 'up' });
  });

  it('keeps serving from the secrets it read while Vault is down, with readiness saying so, and recovers when it returns', async () => {
    const member = await fx.createTenantWithOwner();
    await vault.stop();
    try {
      await waitFor(
        'readiness reporting Vault down',
        async () => (await fx.request('GET', '/health/ready')).body.secrets?.status === 'down',
        15_000,
      );
      const ready = await fx.request('GET', '/health/ready');
      // Reported, not fatal: the secrets read before keep serving.
      expect(ready.status).toBe(200);
      expect(ready.body.secrets).toMatchObject({ provider: 'vault', status: 'down' });
      expect(typeof ready.body.secrets.error).toBe('string');
      expect((await fx.request('GET', '/v1/tickets', { token: member.token })).status).toBe(200);
      const fresh = fx.tokenFor(member.user, member.tenant, MembershipRole.OWNER);
      expect(kidOf(fresh)).toBe(keyIdOf(jwtB));
      expect((await fx.request('GET', '/v1/tickets', { token: fresh })).status).toBe(200);
      // Provisioning still works with the database server credentials read before.
      expect(await ownerOf((await fx.control.createTenant()).databaseName)).toBe(adminRoles[1]);
    } finally {
      await vault.start();
    }
    await waitFor(
      'readiness reporting Vault up again',
      async () => (await fx.request('GET', '/health/ready')).body.secrets?.status === 'up',
      20_000,
    );
  });

  it('refuses to start (exit 69) when a secret in Vault is unusable, naming its path and field (the real main.ts)', async () => {
    const short = new VaultStandIn();
    await short.start(0);
    try {
      short.put('helpdeskly/jwt', { secret: 'too-short' });
      const tooShort = await runControlApi({ ...NO_ENV_SECRETS, VAULT_ADDR: short.addr, VAULT_TOKEN: short.rootToken });
      expect(tooShort.status).toBe(69);
      expect(tooShort.stderr).toContain(
        'control-api refuses to start. secret/data/helpdeskly/jwt field "secret" must be at least 32 characters',
      );
      // Nothing in Vault and nothing in the environment: the message says where it looked.
      short.delete('helpdeskly/jwt');
      const missing = await runControlApi({ ...NO_ENV_SECRETS, VAULT_ADDR: short.addr, VAULT_TOKEN: short.rootToken });
      expect(missing.status).toBe(69);
      expect(missing.stderr).toContain(
        'No JWT signing key: Vault has no secret/data/helpdeskly/jwt and JWT_SECRET is not set',
      );
      // Wrong AppRole credentials: Vault's refusal, with a hint.
      const refused = await runControlApi({
        VAULT_ADDR: short.addr,
        VAULT_ROLE_ID: short.roleId,
        VAULT_SECRET_ID: 'wrong',
      });
      expect(refused.status).toBe(69);
      expect(refused.stderr).toMatch(
        /Vault refused logging in with AppRole \(auth\/approle\): 400 \(bad request: check the AppRole role_id and secret_id\)/,
      );
    } finally {
      await short.stop();
    }
  });

  it('exits with a clear message when Vault is configured but unreachable at start-up (the real main.ts)', async () => {
    const closed = await freePort();
    const result = await runControlApi({
      ...NO_ENV_SECRETS,
      VAULT_ADDR: `http://127.0.0.1:${closed}`,
      VAULT_TOKEN: 'hvs.any',
    });
    expect(result.status).toBe(69);
    expect(result.stderr).toContain(
      `control-api refuses to start. Vault at http://127.0.0.1:${closed} is unreachable: ECONNREFUSED`,
    );
  });

  it('lets `migrate -- tenants` reach a database server whose credentials live only in Vault', async () => {
    const suffix = uniqueSuffix();
    const controlName = `helpdeskly_vault_cli_${suffix}`;
    const tenantName = `helpdeskly_vault_cli_t_${suffix}`;
    const server = `vault-cli-${suffix}`;
    await postgres.query(`CREATE DATABASE ${controlName}`);
    await postgres.query(`CREATE DATABASE ${tenantName}`);
    // Its role too: migrate -- tenants grants every ACTIVE tenant's database to the gateway role.
    await postgres.query(`CREATE ROLE t_cli_${suffix} NOLOGIN`);
    const controlUrl = withDatabase(process.env.DATABASE_URL!, controlName);
    try {
      await applyMigrations(controlUrl, 'control');
      const control = new Client({ connectionString: controlUrl });
      await control.connect();
      try {
        // The stored admin URL names a role that does not exist: only Vault's credentials work.
        const { rows } = await control.query<{ id: string }>(
          `INSERT INTO database_servers (id, name, admin_url, pgbouncer_host, pgbouncer_port, updated_at)
           VALUES (gen_random_uuid(), $1, 'postgresql://hd_no_such_role@127.0.0.1:5432/postgres', '127.0.0.1', 6432, now()) RETURNING id`,
          [server],
        );
        await control.query(
          `INSERT INTO tenants (id, slug, name, status, database_server_id, database_name, database_role, database_password_enc, updated_at)
           VALUES (gen_random_uuid(), $1, $1, 'ACTIVE', $2, $3, $4, 'v1:x', now())`,
          [`cli-${suffix}`, rows[0].id, tenantName, `t_cli_${suffix}`],
        );
      } finally {
        await control.end();
      }
      const env = {
        ...NO_ENV_SECRETS,
        CONTROL_DATABASE_URL: controlUrl,
        VAULT_ADDR: vault.addr,
        VAULT_TOKEN: vault.rootToken,
      };

      const withoutCredentials = await runScript('scripts/migrate.ts', ['tenants'], env);
      expect(withoutCredentials.status).toBe(1);
      expect(withoutCredentials.stdout).toContain('1 tenant database(s), 1 failed');

      vault.put(`helpdeskly/database-servers/${server}`, {
        username: 'postgres',
        password: 'checked-by-the-real-server',
      });
      const withCredentials = await runScript('scripts/migrate.ts', ['tenants'], env);
      expect({ status: withCredentials.status, out: withCredentials.stdout }).toEqual({
        status: 0,
        out: expect.stringContaining('1 tenant database(s), 0 failed'),
      });
      const tables = new Client({ connectionString: withDatabase(process.env.DATABASE_URL!, tenantName) });
      await tables.connect();
      try {
        expect(
          (await tables.query(`SELECT to_regclass('public.tickets') IS NOT NULL AS migrated`)).rows[0].migrated,
        ).toBe(true);
        expect(
          (
            await tables.query(
              `SELECT has_database_privilege('helpdeskly_gateway', current_database(), 'CONNECT') AS gateway`,
            )
          ).rows[0].gateway,
        ).toBe(true);
      } finally {
        await tables.end();
      }
    } finally {
      await postgres.query(`DROP DATABASE IF EXISTS ${controlName} WITH (FORCE)`);
      await postgres.query(`DROP DATABASE IF EXISTS ${tenantName} WITH (FORCE)`);
      await postgres.query(`DROP ROLE IF EXISTS t_cli_${suffix}`);
    }
  });
});
