import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { AppConfig } from '@helpdeskly/config';
import { type DatabaseServer, tenantPgBouncerUrl } from '@helpdeskly/database';
import type { DatabaseServerLoad, DatabaseServersRepository } from './database-servers.repository';
import { DatabaseServersService } from './database-servers.service';
import { TenantsErrorCode } from './tenants.errors';
import { EnvironmentSecrets } from '@helpdeskly/secrets';

const server = (name: string, capacity: number): DatabaseServer => ({
  id: `id-${name}`,
  name,
  adminUrl: `postgresql://postgres@${name}:5432/postgres`,
  pgbouncerHost: name,
  pgbouncerPort: 6432,
  capacity,
  active: true,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

function serviceWith(loads: DatabaseServerLoad[]): DatabaseServersService {
  const repository = {
    upsertByName: async () => server('primary', 500),
    activeWithLoad: async () => loads,
  } as unknown as DatabaseServersRepository;
  const config = {
    database: {
      tenantServerUrl: 'postgresql://postgres@primary:5432/postgres',
      pgbouncer: { host: 'primary', port: 6432 },
    },
  } as AppConfig;
  return new DatabaseServersService(
    repository,
    config,
    new EnvironmentSecrets({ auth: { jwtSecret: 'j'.repeat(32), dbEncryptionKey: 'k'.repeat(32) } } as AppConfig),
  );
}

describe(DatabaseServersService.name, () => {
  it('picks the active server with the lowest share of its capacity in use, not the fewest tenants', async () => {
    const sut = serviceWith([
      { server: server('small', 10), liveTenants: 5 },
      { server: server('big', 1000), liveTenants: 100 },
    ]);
    expect((await sut.pickLeastLoaded()).name).toBe('big');
  });

  it('skips full servers and refuses with no_database_capacity (503) when all are full', async () => {
    expect(
      (
        await serviceWith([
          { server: server('full', 2), liveTenants: 2 },
          { server: server('room', 2), liveTenants: 1 },
        ]).pickLeastLoaded()
      ).name,
    ).toBe('room');
    await expect(serviceWith([{ server: server('full', 2), liveTenants: 2 }]).pickLeastLoaded()).rejects.toMatchObject({
      code: TenantsErrorCode.NoDatabaseCapacity,
      status: 503,
    });
  });
});

describe(tenantPgBouncerUrl.name, () => {
  it("reaches the tenant's database through its server's PgBouncer as the gateway role", () => {
    const url = new URL(
      tenantPgBouncerUrl(
        { databaseName: 'tenant_abc' },
        { pgbouncerHost: '10.0.0.5', pgbouncerPort: 6432 },
        { role: 'helpdeskly_gateway', password: 'p@ss/w:rd' },
      ),
    );
    expect(url.hostname).toBe('10.0.0.5');
    expect(url.port).toBe('6432');
    expect(url.username).toBe('helpdeskly_gateway');
    expect(decodeURIComponent(url.password)).toBe('p@ss/w:rd');
    expect(url.pathname).toBe('/tenant_abc');
  });
});
