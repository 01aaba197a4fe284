import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Values of `helpdeskly_circuit_breaker_state`. */
export const BREAKER_STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

/**
 * The process's Prometheus registry, provided whether or not /metrics is served, so any component
 * records without checking. Labels stay bounded: route templates (never raw URLs), methods,
 * statuses, queue, policy, breaker and cache namespace names; never a tenant or user id.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'helpdeskly_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'helpdeskly_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Requests refused with 429, by policy (auth-ip, auth-account, tenant, user...) and limiter (redis or local). */
  readonly rateLimitRefusals = new Counter({
    name: 'helpdeskly_rate_limit_refusals_total',
    help: 'Requests refused by a rate limit, by policy and by limiter (redis, local)',
    labelNames: ['policy', 'limiter'] as const,
    registers: [this.registry],
  });

  /** 0 closed, 1 half-open, 2 open (BREAKER_STATE), by breaker name (smtp, http:<service>). */
  readonly breakerState = new Gauge({
    name: 'helpdeskly_circuit_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
    labelNames: ['breaker'] as const,
    registers: [this.registry],
  });

  /** Jobs handled by this process's workers, by queue and outcome (completed, failed, retried). */
  readonly jobsProcessed = new Counter({
    name: 'helpdeskly_queue_jobs_processed_total',
    help: 'Jobs handled by this process, by queue and outcome (completed, failed, retried)',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Reads of the secrets provider (Vault) by outcome: read, failed, rotated (a re-read changed a key). */
  readonly secretRefreshes = new Counter({
    name: 'helpdeskly_secret_reads_total',
    help: 'Reads of secrets from Vault, by outcome (read, failed, rotated)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Reads of the shared cache, by namespace and where they were answered (l1, redis, load). */
  readonly cacheReads = new Counter({
    name: 'helpdeskly_cache_reads_total',
    help: 'Shared cache reads, by namespace and level that answered (l1, redis, load)',
    labelNames: ['namespace', 'level'] as const,
    registers: [this.registry],
  });

  /** Emails handed to SMTP or given up, by template and outcome (sent, failed). */
  readonly emails = new Counter({
    name: 'helpdeskly_emails_total',
    help: 'Emails by template and outcome (sent, failed, duplicate)',
    labelNames: ['template', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Messages received by email, by what became of them (the outcomes of inbound_emails, and duplicate). */
  readonly inboundEmails = new Counter({
    name: 'helpdeskly_inbound_emails_total',
    help: 'Messages received by email, by outcome (ticket_created, comment_added, duplicate, auto_reply, bounce...)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Files of tickets, by event: stored, left_out (a limit), deleted (with their ticket). */
  readonly attachments = new Counter({
    name: 'helpdeskly_attachments_total',
    help: 'Files of tickets, by event (stored, left_out, deleted)',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly attachmentBytes = new Counter({
    name: 'helpdeskly_attachment_bytes_stored_total',
    help: 'Bytes of the files of tickets stored',
    registers: [this.registry],
  });

  /** Tenant database clients app-api holds open, live or being disconnected (never above TENANT_CLIENT_MAX). */
  readonly tenantClientsOpen = new Gauge({
    name: 'helpdeskly_tenant_clients_open',
    help: 'Tenant database clients open (live or being disconnected)',
    registers: [this.registry],
  });

  readonly tenantClientsMax = new Gauge({
    name: 'helpdeskly_tenant_clients_max',
    help: 'Most tenant database clients kept open (TENANT_CLIENT_MAX)',
    registers: [this.registry],
  });

  /** Tenant clients created, by outcome (created, failed). */
  readonly tenantClientCreations = new Counter({
    name: 'helpdeskly_tenant_client_creations_total',
    help: 'Tenant database clients created, by outcome (created, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Tenant clients evicted, by reason (lru, idle, rotated, unavailable, shutdown). */
  readonly tenantClientEvictions = new Counter({
    name: 'helpdeskly_tenant_client_evictions_total',
    help: 'Tenant database clients evicted, by reason (lru, idle, rotated, unavailable, shutdown)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Acquisitions that found every client slot in use and had to wait. */
  readonly tenantClientWaits = new Counter({
    name: 'helpdeskly_tenant_client_waits_total',
    help: 'Tenant client acquisitions that waited for a free slot',
    registers: [this.registry],
  });

  /** Failed logins, by reason (unknown_email, wrong_password, account_locked, wrong_second_factor). */
  readonly loginFailures = new Counter({
    name: 'helpdeskly_login_failures_total',
    help: 'Failed logins, by reason (unknown_email, wrong_password, account_locked, wrong_second_factor)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly accountLockouts = new Counter({
    name: 'helpdeskly_account_lockouts_total',
    help: 'Account locks after too many failed logins (each further failure that extends a lock counts again)',
    registers: [this.registry],
  });

  /** Prisma operations, by database (control, tenant), model ($raw for raw SQL) and operation. */
  readonly dbQueryDuration = new Histogram({
    name: 'helpdeskly_db_query_duration_seconds',
    help: 'Database operation duration in seconds, by database (control, tenant), model and operation',
    labelNames: ['database', 'model', 'operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'helpdeskly_' });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }
}
