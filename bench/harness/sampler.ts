// What serving many tenants costs, sampled every second during scenario e: app-api's RSS, its open
// tenant clients (the /metrics gauge), PgBouncer's server connections (SHOW POOLS) and PostgreSQL's
// client backends (pg_stat_activity), all of them and those on tenant databases.
import type { Client } from 'pg';
import { rssMb } from './processes';

export interface ResourceSample {
  /** Seconds since the sampling started. */
  readonly t: number;
  readonly rssMb: number;
  readonly tenantClients: number | null;
  readonly pgbouncerServers: number | null;
  readonly backends: number;
  readonly tenantBackends: number;
}

export type ResourcePeaks = Omit<ResourceSample, 't'>;

/** The gauge of libs/metrics (MetricsRegistry.tenantClientsOpen). */
export const TENANT_CLIENTS_GAUGE = 'helpdeskly_tenant_clients_open';
export const GATEWAY_ROLE = 'helpdeskly_gateway';
const SAMPLE_MS = 1_000;

export class ResourceSampler {
  constructor(
    private readonly appPid: number,
    private readonly appBaseUrl: string,
    private readonly admin: Client,
    private readonly pgbouncer: Client | undefined,
  ) {}

  /** The connection limit of the gateway role, the budget of tenant backends; null without that role. */
  async budget(): Promise<number | null> {
    const { rows } = await this.admin.query<{ rolconnlimit: number }>(
      'SELECT rolconnlimit FROM pg_roles WHERE rolname = $1',
      [GATEWAY_ROLE],
    );
    return rows[0] ? rows[0].rolconnlimit : null;
  }

  async sample(t: number): Promise<ResourceSample> {
    const [clients, servers, backends] = await Promise.all([
      fetch(`${this.appBaseUrl}/metrics`, { signal: AbortSignal.timeout(2_000) })
        .then((r) => r.text())
        .then((text) => {
          const match = new RegExp(`^${TENANT_CLIENTS_GAUGE}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
          return match ? Number(match[1]) : null;
        })
        .catch(() => null),
      this.pgbouncer
        ? this.pgbouncer
            .query<Record<string, string>>('SHOW POOLS')
            .then(({ rows }) =>
              rows.reduce(
                (n, r) =>
                  n +
                  ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'].reduce(
                    (m, c) => m + Number(r[c] ?? 0),
                    0,
                  ),
                0,
              ),
            )
        : Promise.resolve(null),
      this.admin.query<{ total: number; tenant: number }>(
        `SELECT count(*)::int AS total, (count(*) FILTER (WHERE datname LIKE 'tenant\\_%'))::int AS tenant FROM pg_stat_activity WHERE backend_type = 'client backend'`,
      ),
    ]);
    return {
      t,
      rssMb: rssMb(this.appPid),
      tenantClients: clients,
      pgbouncerServers: servers,
      backends: backends.rows[0]!.total,
      tenantBackends: backends.rows[0]!.tenant,
    };
  }

  /** Samples at the start, every second while `work` runs, and once it is done. */
  async during<T>(work: () => Promise<T>): Promise<{ result: T; samples: ResourceSample[] }> {
    const samples: ResourceSample[] = [];
    const started = performance.now();
    let pending: Promise<void> = Promise.resolve();
    let busy = false;
    const take = () => {
      if (busy) return;
      busy = true;
      pending = this.sample(Math.round((performance.now() - started) / 100) / 10)
        .then(
          (s) => void samples.push(s),
          () => undefined,
        )
        .finally(() => (busy = false));
    };
    take();
    const timer = setInterval(take, SAMPLE_MS);
    try {
      const result = await work();
      clearInterval(timer);
      await pending;
      // The state at the end, unless a sample was just taken.
      const last = samples[samples.length - 1];
      if (!last || (performance.now() - started) / 1000 - last.t > 0.5) {
        take();
        await pending;
      }
      return { result, samples };
    } finally {
      clearInterval(timer);
    }
  }
}

export function peaksOf(samples: readonly ResourceSample[]): ResourcePeaks {
  const max = (values: Array<number | null>) => {
    const known = values.filter((v): v is number => v !== null && !Number.isNaN(v));
    return known.length ? Math.max(...known) : null;
  };
  return {
    rssMb: max(samples.map((s) => s.rssMb)) ?? Number.NaN,
    tenantClients: max(samples.map((s) => s.tenantClients)),
    pgbouncerServers: max(samples.map((s) => s.pgbouncerServers)),
    backends: max(samples.map((s) => s.backends)) ?? 0,
    tenantBackends: max(samples.map((s) => s.tenantBackends)) ?? 0,
  };
}
