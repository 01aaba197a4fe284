import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { AppConfig } from '@helpdeskly/config';
import { type BudgetFacts, judgeBudget } from './tenant-backend-budget';

const config = (tenancy: Partial<AppConfig['tenancy']> = {}) =>
  ({
    tenancy: {
      clientMax: 200,
      clientPoolSize: 2,
      clientIdleSeconds: 60,
      cacheTtlSeconds: 5,
      backendReserve: 30,
      gateway: { role: 'helpdeskly_gateway', password: 'x' },
      ...tenancy,
    },
  }) as Pick<AppConfig, 'tenancy'>;
const server = (maxConnections = 100, roleLimit: number | null = 73): BudgetFacts['server'] => ({
  maxConnections,
  superuserReserved: 3,
  roleLimit,
});

describe(judgeBudget.name, () => {
  it("accepts PgBouncer's cap when it leaves the reserve of max_connections to everything else", () => {
    const verdict = judgeBudget(
      { server: server(), pgbouncer: { maxUserConnections: 67, maxClientConn: 1000 } },
      config(),
    );
    expect(verdict).toEqual({ problems: [], warnings: [], available: 67, budget: 67 });
  });

  it('refuses a cap the server cannot give, an uncapped PgBouncer, and a cap above the role limit', () => {
    expect(
      judgeBudget({ server: server(50, 44), pgbouncer: { maxUserConnections: 40, maxClientConn: 1000 } }, config())
        .problems,
    ).toEqual([
      'PgBouncer lets tenant traffic open 40 backends (max_user_connections), more than the server can give: max_connections 50 - superuser_reserved_connections 3 - TENANT_BACKEND_RESERVE 30 = 17',
    ]);
    expect(
      judgeBudget({ server: server(), pgbouncer: { maxUserConnections: 0, maxClientConn: 1000 } }, config())
        .problems[0],
    ).toMatch(/^PgBouncer has no max_user_connections: tenant backends are unbounded/);
    expect(
      judgeBudget({ server: server(100, 20), pgbouncer: { maxUserConnections: 60, maxClientConn: 1000 } }, config())
        .problems,
    ).toEqual([
      "PgBouncer's max_user_connections 60 exceeds the gateway role's CONNECTION LIMIT 20: logins beyond it would fail",
    ]);
  });

  it("refuses this instance's clients beyond PgBouncer's max_client_conn, and a missing gateway role", () => {
    expect(
      judgeBudget({ server: server(), pgbouncer: { maxUserConnections: 60, maxClientConn: 300 } }, config()).problems,
    ).toEqual([
      'TENANT_CLIENT_MAX 200 x TENANT_CLIENT_POOL_SIZE 2 = 400 connections to PgBouncer, more than its max_client_conn 300',
    ]);
    expect(
      judgeBudget({ server: server(100, null), pgbouncer: { maxUserConnections: 60, maxClientConn: 1000 } }, config())
        .problems[0],
    ).toMatch(/^the gateway role helpdeskly_gateway does not exist on the server/);
  });

  it('refuses a server whose reserve leaves nothing, and warns when PgBouncer cannot be read', () => {
    expect(judgeBudget({ server: server(30) }, config()).problems[0]).toBe(
      'the server has no connections left for tenants: max_connections 30 - superuser_reserved_connections 3 - TENANT_BACKEND_RESERVE 30 = -3',
    );
    const unread = judgeBudget({ server: server(100, -1) }, config());
    expect(unread.problems).toEqual([]);
    expect(unread.warnings).toEqual([
      "the gateway role helpdeskly_gateway has no CONNECTION LIMIT: only PgBouncer's cap bounds tenant backends",
      "PgBouncer's cap on tenant backends is not checked: set PGBOUNCER_ADMIN_URL",
    ]);
    expect(judgeBudget({ server: server(100, 500) }, config()).problems[0]).toBe(
      "the gateway role helpdeskly_gateway has CONNECTION LIMIT 500, more than the server's 97 connections",
    );
  });
});
