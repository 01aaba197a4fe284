import { Public, SkipRateLimit } from '@helpdeskly/auth';
import { Controller, Get, Logger, Optional, VERSION_NEUTRAL } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { ControlDatabase } from '@helpdeskly/database';
import { ProblemException } from '@helpdeskly/errors';
import { RedisClient } from '@helpdeskly/redis';
import { withTimeout } from '@helpdeskly/async';
import { CircuitBreakerRegistry } from '@helpdeskly/resilience';
import { Secrets, type SecretsStatus } from '@helpdeskly/secrets';
import { PgBouncerProbe } from './pgbouncer.probe';
import { ReadinessDetail } from './readiness-detail';
import { ReadinessTimeout, readinessReason } from './readiness-reason';

const CHECK_TIMEOUT_MS = 2_000;

@Public()
@SkipRateLimit()
@ApiTags('health')
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  private readonly logger = new Logger('Readiness');
  private details?: ReadinessDetail[];

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly controlDb: ControlDatabase,
    private readonly redis: RedisClient,
    private readonly pgbouncer: PgBouncerProbe,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly discovery: DiscoveryService,
    @Optional() private readonly secrets?: Secrets,
  ) {}

  /** Liveness: the process answers; no dependency is checked, so an outage never restarts it. */
  @Get()
  @ApiOkResponse({ description: 'The process is alive' })
  live() {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /**
   * Readiness: the control database, Redis and PgBouncer all answer within the timeout. The body
   * also shows the circuit breakers this process uses (`breakers: { smtp: 'open' }`), which never
   * fail readiness: an SMTP outage must not pull every API instance out of the load balancer
   * (emails wait in their queue meanwhile). Likewise `secrets` says whether Vault answers
   * (`{ provider: 'vault', status: 'down', error }`) without failing readiness: the secrets read
   * before keep serving, and a Vault outage must not take every instance out at once.
   */
  @Get('ready')
  @ApiOkResponse({ description: 'Every dependency answers' })
  @ApiServiceUnavailableResponse({
    description: 'Problem details naming the components that are down, in `down` and `checks`',
  })
  async ready() {
    // Unauthenticated: a component that is down shows a reason code (readinessReason), never the
    // driver's message, which goes to the log.
    const check = (key: string, fn: () => Promise<unknown>) => async () => {
      const indicator = this.indicator.check(key);
      try {
        await withTimeout(fn(), CHECK_TIMEOUT_MS, () => new ReadinessTimeout(CHECK_TIMEOUT_MS));
        return indicator.up();
      } catch (error) {
        const reason = readinessReason(error);
        this.logger.warn({ err: error, component: key, reason }, `Readiness: ${key} is down (${reason})`);
        return indicator.down({ reason });
      }
    };
    let result: HealthCheckResult;
    const secrets = this.secretsStatus();
    try {
      result = await this.health.check([
        check('database', () => this.controlDb.$queryRaw`SELECT 1`),
        check('redis', () => this.redis.ping()),
        check('pgbouncer', () => this.pgbouncer.ping()),
        // Information only (the worker's queue Redis settings, its mail channels): their reads never throw.
        ...this.readinessDetails().map((detail) => this.detailCheck(detail)),
      ]);
    } catch (error) {
      const details = (error as { getResponse?: () => HealthCheckResult }).getResponse?.();
      if (!details?.details) throw error;
      const down = Object.entries(details.details)
        .filter(([, v]) => v.status === 'down')
        .map(([k]) => k);
      throw new ProblemException({
        status: 503,
        code: 'not_ready',
        title: 'Not ready',
        detail: `Unavailable: ${down.join(', ')}`,
        extensions: { down, checks: details.details, secrets: await secrets, breakers: this.breakers.states() },
        headers: { 'retry-after': '5' },
      });
    }
    return { status: 'ok', checks: result.details, secrets: await secrets, breakers: this.breakers.states() };
  }

  private async secretsStatus(): Promise<SecretsStatus | undefined> {
    if (!this.secrets) return undefined;
    try {
      const status = await this.secrets.status();
      if (status.error) this.logger.warn({ error: status.error }, 'Readiness: the secrets provider is down');
      return status.error ? { ...status, error: readinessReason(new Error(status.error)) } : status;
    } catch (error) {
      this.logger.warn({ err: error }, 'Readiness: the secrets provider did not answer');
      return { provider: 'vault', status: 'down', error: readinessReason(error) };
    }
  }

  /** Every ReadinessDetail of the application, once (an alias of a provider is the same instance). */
  private readinessDetails(): ReadinessDetail[] {
    this.details ??= [
      ...new Set(
        this.discovery
          .getProviders()
          .map((wrapper) => wrapper.instance as unknown)
          .filter((instance): instance is ReadinessDetail => instance instanceof ReadinessDetail),
      ),
    ];
    return this.details;
  }

  private detailCheck(detail: ReadinessDetail) {
    return () =>
      this.indicator
        .check(detail.key)
        .attempt(() => detail.read())
        .withTimeout(CHECK_TIMEOUT_MS);
  }
}
