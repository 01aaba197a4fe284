import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { getMetadataStorage } from 'class-validator';
import { Environment } from './environment';
import { ConfigError, EXAMPLE_SECRETS, loadConfig } from './load-config';

const VALID = {
  CONTROL_DATABASE_URL: 'postgresql://u@db:5432/helpdeskly_control',
  DATABASE_URL: 'postgresql://u@db:5432/postgres',
  JWT_SECRET: 'a-real-secret-that-is-long-enough-0123456789',
  DB_ENCRYPTION_KEY: 'another-real-secret-long-enough-0123456789',
  TENANT_GATEWAY_PASSWORD: 'the-gateway-role-password-0123456789',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to refuse this environment');
}

const exampleFile = () =>
  Object.fromEntries(
    readFileSync(join(__dirname, '../../../.env.example'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

const declaredVariables = () =>
  [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(Environment, '', true, false)
        .map((m) => m.propertyName),
    ),
  ].sort();

/** The names in the first column of docs/configuration.md's table (a row may name several). */
const documentedVariables = () =>
  [
    ...new Set(
      readFileSync(join(__dirname, '../../../docs/configuration.md'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .flatMap((l) => [...l.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1])),
    ),
  ].sort();

describe(loadConfig.name, () => {
  it('parses a minimal environment into typed values with documented defaults', () => {
    const config = loadConfig({
      ...VALID,
      CONTROL_PORT: '7000',
      ENABLE_SWAGGER: 'true',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.http).toMatchObject({
      controlPort: 7000,
      appPort: 6501,
      corsOrigins: ['https://a.example', 'https://b.example'],
      bodyLimitBytes: 1048576,
    });
    expect(config.features).toEqual({ metrics: true, swagger: true });
    expect(config.auth).toMatchObject({ jwtExpiresIn: '15m', refreshTokenDays: 7, bcryptRounds: 12 });
    expect(config.database.pgbouncer).toEqual({ host: '127.0.0.1', port: 6432 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every missing required variable', () => {
    expect(problemsOf({})).toEqual([
      'CONTROL_DATABASE_URL is required',
      'DATABASE_URL is required',
      'JWT_SECRET is required',
      'DB_ENCRYPTION_KEY is required',
      'TENANT_GATEWAY_PASSWORD is required',
    ]);
  });

  it('names each invalid variable once', () => {
    const problems = problemsOf({
      ...VALID,
      CONTROL_PORT: 'abc',
      REDIS_URL: 'http://x',
      LOG_LEVEL: 'loud',
      ENABLE_METRICS: 'perhaps',
      JWT_EXPIRES_IN: 'soon',
    });
    expect(problems).toHaveLength(5);
    for (const name of ['CONTROL_PORT', 'REDIS_URL', 'LOG_LEVEL', 'ENABLE_METRICS', 'JWT_EXPIRES_IN'])
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
  });

  it('keeps email send records EMAIL_DELIVERY_RETENTION_DAYS, 30 by default, and refuses fewer than 15', () => {
    expect(loadConfig(VALID).mail.deliveryRetentionDays).toBe(30);
    expect(loadConfig({ ...VALID, EMAIL_DELIVERY_RETENTION_DAYS: '15' }).mail.deliveryRetentionDays).toBe(15);
    expect(problemsOf({ ...VALID, EMAIL_DELIVERY_RETENTION_DAYS: '14' })).toEqual([
      'EMAIL_DELIVERY_RETENTION_DAYS must be at least 15: failed email jobs are kept 14 days and a retried one must find its send record',
    ]);
  });

  describe('in production', () => {
    const prod = { ...VALID, NODE_ENV: 'production' };

    it('starts with real secrets', () => {
      expect(loadConfig(prod).env).toBe('production');
    });

    for (const name of ['JWT_SECRET', 'DB_ENCRYPTION_KEY']) {
      it(`refuses a missing ${name}`, () => {
        const { [name as keyof typeof prod]: _, ...rest } = prod;
        expect(problemsOf(rest)).toEqual([`${name} is required`]);
      });

      it(`refuses a ${name} shorter than 32 characters`, () => {
        expect(problemsOf({ ...prod, [name]: 'x'.repeat(31) })).toEqual([
          `${name} must be at least 32 characters in production`,
        ]);
      });

      it(`refuses the ${name} of .env.example`, () => {
        expect(problemsOf({ ...prod, [name]: exampleFile()[name] })).toEqual([
          `${name} is the example value from .env.example; set a real secret in production`,
        ]);
      });
    }

    it('accepts short secrets outside production (tests, development)', () => {
      expect(loadConfig({ ...VALID, JWT_SECRET: 'short', NODE_ENV: 'development' }).auth.jwtSecret).toBe('short');
    });
  });

  describe('.env.example', () => {
    it('documents every variable the APIs read', () => {
      expect(Object.keys(exampleFile()).sort()).toEqual(declaredVariables());
    });

    it('holds exactly the example secrets that production refuses', () => {
      const example = exampleFile();
      expect(new Set([example.JWT_SECRET, example.DB_ENCRYPTION_KEY])).toEqual(EXAMPLE_SECRETS);
    });

    it("is itself a valid development configuration, with the machine's gateway password", () => {
      // The one value left empty there: scripts/infra.sh generates it per machine (.dev/pgbouncer/secrets.env).
      expect(exampleFile().TENANT_GATEWAY_PASSWORD).toBe('');
      expect(() => loadConfig(exampleFile())).toThrow('TENANT_GATEWAY_PASSWORD is required');
      expect(loadConfig({ ...exampleFile(), TENANT_GATEWAY_PASSWORD: 'generated-per-machine' }).env).toBe(
        'development',
      );
    });
  });

  describe('docs/configuration.md', () => {
    it('documents every variable the APIs read, and no other', () => {
      expect(documentedVariables()).toEqual(declaredVariables());
    });
  });

  describe('object storage', () => {
    const S3 = { ...VALID, STORAGE_DRIVER: 's3', S3_BUCKET: 'helpdeskly-attachments' };

    it('stores on the local disk by default, in .dev/storage made absolute', () => {
      expect(loadConfig(VALID).storage).toEqual({ driver: 'local', localDir: join(process.cwd(), '.dev/storage') });
      expect(loadConfig({ ...VALID, STORAGE_LOCAL_DIR: '/var/lib/helpdeskly' }).storage).toEqual({
        driver: 'local',
        localDir: '/var/lib/helpdeskly',
      });
    });

    it('reads the s3 driver: AWS by default, path-style with an endpoint unless told otherwise', () => {
      expect(loadConfig(S3).storage).toEqual({
        driver: 's3',
        s3: {
          endpoint: undefined,
          region: 'us-east-1',
          bucket: 'helpdeskly-attachments',
          forcePathStyle: false,
          credentials: undefined,
        },
      });
      const minio = loadConfig({
        ...S3,
        S3_ENDPOINT: 'http://minio:9000',
        S3_REGION: 'eu-west-3',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: 'secret',
      }).storage;
      expect(minio).toEqual({
        driver: 's3',
        s3: {
          endpoint: 'http://minio:9000',
          region: 'eu-west-3',
          bucket: 'helpdeskly-attachments',
          forcePathStyle: true,
          credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
        },
      });
      const virtualHosted = loadConfig({ ...S3, S3_ENDPOINT: 'https://s3.example', S3_FORCE_PATH_STYLE: 'false' });
      expect(virtualHosted.storage.driver === 's3' && virtualHosted.storage.s3.forcePathStyle).toBe(false);
    });

    it('names what is missing, contradictory or malformed', () => {
      expect(problemsOf({ ...VALID, STORAGE_DRIVER: 's3' })).toEqual(['S3_BUCKET is required with STORAGE_DRIVER=s3']);
      expect(problemsOf({ ...S3, S3_ACCESS_KEY_ID: 'id' })).toEqual([
        'Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the AWS default credential chain)',
      ]);
      const problems = problemsOf({
        ...VALID,
        STORAGE_DRIVER: 'ftp',
        S3_ENDPOINT: 'minio:9000',
        S3_BUCKET: 'Not_A_Bucket',
        S3_REGION: 'EU West',
        S3_FORCE_PATH_STYLE: 'maybe',
      });
      expect(problems).toHaveLength(5);
      for (const name of ['STORAGE_DRIVER', 'S3_ENDPOINT', 'S3_BUCKET', 'S3_REGION', 'S3_FORCE_PATH_STYLE'])
        expect(problems.some((p) => p.startsWith(name))).toBe(true);
    });
  });

  describe('Vault', () => {
    const VAULT = { ...VALID, JWT_SECRET: '', DB_ENCRYPTION_KEY: '', VAULT_ADDR: 'https://vault.internal:8200/' };

    it('needs neither JWT_SECRET nor DB_ENCRYPTION_KEY when VAULT_ADDR is set, and reads AppRole or token credentials', () => {
      const approle = loadConfig({
        ...VAULT,
        VAULT_ROLE_ID: 'role',
        VAULT_SECRET_ID: 'secret',
        VAULT_PATH: '/apps/helpdeskly/',
        NODE_ENV: 'production',
      });
      expect(approle.auth.jwtSecret).toBeUndefined();
      expect(approle.vault).toEqual({
        addr: 'https://vault.internal:8200',
        auth: { method: 'approle', roleId: 'role', secretId: 'secret', mount: 'approle' },
        namespace: undefined,
        kvMount: 'secret',
        path: 'apps/helpdeskly',
        secretTtlSeconds: 300,
        timeoutMs: 3000,
      });
      expect(loadConfig({ ...VAULT, VAULT_TOKEN: 'hvs.x' }).vault?.auth).toEqual({ method: 'token', token: 'hvs.x' });
      expect(loadConfig(VALID).vault).toBeUndefined();
    });

    it('names what is missing or contradictory', () => {
      expect(problemsOf({ ...VALID, JWT_SECRET: '', DB_ENCRYPTION_KEY: '' })).toEqual([
        'JWT_SECRET is required',
        'DB_ENCRYPTION_KEY is required',
      ]);
      expect(problemsOf(VAULT)).toEqual([
        'VAULT_ADDR is set: set VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID (AppRole)',
      ]);
      expect(problemsOf({ ...VAULT, VAULT_ROLE_ID: 'role' })).toEqual(['VAULT_SECRET_ID is required']);
      expect(problemsOf({ ...VAULT, VAULT_TOKEN: 't', VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' })).toEqual([
        'Set VAULT_TOKEN or VAULT_ROLE_ID/VAULT_SECRET_ID, not both',
      ]);
      expect(problemsOf({ ...VAULT, VAULT_TOKEN: 't', VAULT_ADDR: 'vault:8200' })).toEqual([
        'VAULT_ADDR must be an http(s):// URL',
      ]);
    });
  });
});
