import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig, ConfigError } from '@helpdeskly/config';
import { type ConnectionLimits, TenantDatabaseAdmin } from '@helpdeskly/database';

/** What PgBouncer's SHOW CONFIG says of its limits. */
export interface PgBouncerLimits {
  /** 0: no cap. The gateway role, an auth_file user, is capped by it across every database. */
  readonly maxUserConnections: number;
  readonly maxClientConn: number;
}

export interface BudgetFacts {
  readonly server: ConnectionLimits;
  /** Undefined when PgBouncer's console could not be read (no PGBOUNCER_ADMIN_URL). */
  readonly pgbouncer?: PgBouncerLimits;
}

export interface BudgetVerdict {
  /** Reasons to refuse to start. */
  readonly problems: string[];
  readonly warnings: string[];
  /** The most tenant backends this server gives, from its own settings. */
  readonly available: number;
  /** PgBouncer's cap on them when known, else the gateway role's CONNECTION LIMIT. */
  readonly budget?: number;
}

/**
 * Whether the tenant backend budget fits the server: PgBouncer's cap on the gateway role
 * (max_user_connections) and the role's CONNECTION LIMIT must leave TENANT_BACKEND_RESERVE of
 * max_connections to everything else, and this instance's clients must fit max_client_conn.
 */
export function judgeBudget(facts: BudgetFacts, config: Pick<AppConfig, 'tenancy'>): BudgetVerdict {
  const { maxConnections, superuserReserved, roleLimit } = facts.server;
  const { gateway, backendReserve, clientMax, clientPoolSize } = config.tenancy;
  const available = maxConnections - superuserReserved - backendReserve;
  const server = `max_connections ${maxConnections} - superuser_reserved_connections ${superuserReserved} - TENANT_BACKEND_RESERVE ${backendReserve} = ${available}`;
  const problems: string[] = [];
  const warnings: string[] = [];
  if (available < 1) problems.push(`the server has no connections left for tenants: ${server}`);
  if (roleLimit === null)
    problems.push(
      `the gateway role ${gateway.role} does not exist on the server (scripts/infra.sh creates it in development, init-db-prod.sql in production)`,
    );
  else if (roleLimit >= 0 && roleLimit > maxConnections - superuserReserved)
    problems.push(
      `the gateway role ${gateway.role} has CONNECTION LIMIT ${roleLimit}, more than the server's ${maxConnections - superuserReserved} connections`,
    );
  else if (roleLimit < 0)
    warnings.push(
      `the gateway role ${gateway.role} has no CONNECTION LIMIT: only PgBouncer's cap bounds tenant backends`,
    );

  const pgbouncer = facts.pgbouncer;
  if (pgbouncer) {
    const cap = pgbouncer.maxUserConnections;
    if (cap === 0)
      problems.push(
        `PgBouncer has no max_user_connections: tenant backends are unbounded (set it to at most ${available}: ${server})`,
      );
    else if (cap > available)
      problems.push(
        `PgBouncer lets tenant traffic open ${cap} backends (max_user_connections), more than the server can give: ${server}`,
      );
    if (roleLimit !== null && roleLimit >= 0 && cap > roleLimit)
      problems.push(
        `PgBouncer's max_user_connections ${cap} exceeds the gateway role's CONNECTION LIMIT ${roleLimit}: logins beyond it would fail`,
      );
    const clients = clientMax * clientPoolSize;
    if (clients > pgbouncer.maxClientConn)
      problems.push(
        `TENANT_CLIENT_MAX ${clientMax} x TENANT_CLIENT_POOL_SIZE ${clientPoolSize} = ${clients} connections to PgBouncer, more than its max_client_conn ${pgbouncer.maxClientConn}`,
      );
    return { problems, warnings, available, budget: cap };
  }
  warnings.push("PgBouncer's cap on tenant backends is not checked: set PGBOUNCER_ADMIN_URL");
  return { problems, warnings, available, budget: roleLimit !== null && roleLimit >= 0 ? roleLimit : undefined };
}

/**
 * At start-up, checks that the tenant backend budget fits the tenant server (DATABASE_URL) and its
 * PgBouncer (PGBOUNCER_ADMIN_URL), and refuses to start when it can exceed it ({@link judgeBudget}).
 * A server or PgBouncer that does not answer is not a reason to refuse: readiness reports it.
 */
@Injectable()
export class TenantBackendBudget implements OnApplicationBootstrap {
  private readonly logger = new Logger(TenantBackendBudget.name);
  verdict?: BudgetVerdict;

  constructor(private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    let facts: BudgetFacts;
    try {
      facts = await this.readFacts();
    } catch (error) {
      this.logger.warn({ err: error }, 'the tenant backend budget could not be checked at start-up');
      return;
    }
    const verdict = judgeBudget(facts, this.config);
    this.verdict = verdict;
    if (verdict.problems.length > 0) throw new ConfigError(verdict.problems.map((p) => `tenant backend budget: ${p}`));
    for (const warning of verdict.warnings) this.logger.warn(`tenant backend budget: ${warning}`);
    this.logger.log(
      { budget: verdict.budget, available: verdict.available, maxConnections: facts.server.maxConnections },
      'tenant backend budget checked',
    );
  }

  private async readFacts(): Promise<BudgetFacts> {
    const server = await TenantDatabaseAdmin.use(
      this.config.database.tenantServerUrl,
      (admin) => admin.connectionLimits(this.config.tenancy.gateway.role),
      'helpdeskly-app-budget',
    );
    const url = this.config.database.pgbouncer.adminUrl;
    return { server, pgbouncer: url ? await readPgBouncerLimits(url) : undefined };
  }
}

/** SHOW CONFIG on PgBouncer's admin console (a stats or admin user). */
export async function readPgBouncerLimits(adminUrl: string): Promise<PgBouncerLimits> {
  const client = new Client({
    connectionString: adminUrl,
    application_name: 'helpdeskly-app-budget',
    connectionTimeoutMillis: 3_000,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ key: string; value: string }>('SHOW CONFIG');
    const value = (key: string) => Number(rows.find((r) => r.key === key)?.value ?? Number.NaN);
    return { maxUserConnections: value('max_user_connections'), maxClientConn: value('max_client_conn') };
  } finally {
    await client.end().catch(() => undefined);
  }
}
