import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { AppConfig } from '@helpdeskly/config';
import { BREAKER_STATE, MetricsRegistry } from '@helpdeskly/metrics';

export type BreakerState = keyof typeof BREAKER_STATE;

export interface BreakerOptions {
  /** Milliseconds before a call counts as failed (opossum's timeout); 0 leaves it to the call. */
  readonly timeoutMs?: number;
  /** Calls within the rolling window before the breaker may open. */
  readonly volumeThreshold?: number;
  /** Failure percentage of the rolling window that opens the breaker. */
  readonly errorThresholdPercentage?: number;
  /**
   * Whether an error says the dependency is unhealthy. Other errors (a 5xx SMTP rejection, a 404)
   * are answers of a healthy dependency: they reach the caller without counting against it.
   */
  readonly isFailure?: (error: unknown) => boolean;
}

/** Thrown by {@link CircuitBreakerRegistry.execute} while a breaker is open. */
export class BreakerOpenError extends Error {
  constructor(
    readonly breaker: string,
    readonly retryInMs: number,
  ) {
    super(`Circuit breaker ${breaker} is open`);
    this.name = 'BreakerOpenError';
  }
}

type Action = () => Promise<unknown>;

interface Named {
  readonly breaker: CircuitBreaker<[Action], unknown>;
  openedAt: number;
}

const DEFAULTS = { volumeThreshold: 3, errorThresholdPercentage: 50, rollingCountTimeout: 10_000 } as const;

/**
 * Named circuit breakers of the process (opossum): `smtp`, `http:<service>`. One per dependency,
 * created on first use; an open breaker fails calls at once and lets one through after
 * BREAKER_RESET_MS (half-open), closing again when it succeeds. Each state change is logged and
 * kept in helpdeskly_circuit_breaker_state{breaker}.
 */
@Injectable()
export class CircuitBreakerRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(CircuitBreakerRegistry.name);
  private readonly breakers = new Map<string, Named>();

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsRegistry,
  ) {}

  /** Runs `fn` through the named breaker; BreakerOpenError without calling it while open. */
  async execute<T>(name: string, fn: () => Promise<T>, options: BreakerOptions = {}): Promise<T> {
    const named = this.breakerFor(name, options);
    try {
      return (await named.breaker.fire(fn)) as T;
    } catch (error) {
      if ((error as { code?: string }).code === 'EOPENBREAKER') throw new BreakerOpenError(name, this.retryInMs(name));
      throw error;
    }
  }

  /** The state of every breaker used so far, for readiness. */
  states(): Record<string, BreakerState> {
    return Object.fromEntries([...this.breakers].map(([name, { breaker }]) => [name, stateOf(breaker)]));
  }

  state(name: string): BreakerState {
    const named = this.breakers.get(name);
    return named ? stateOf(named.breaker) : 'closed';
  }

  /** Milliseconds until an open breaker lets a call through again; 0 unless open. */
  retryInMs(name: string): number {
    const named = this.breakers.get(name);
    if (!named || !named.breaker.opened) return 0;
    return Math.max(0, named.openedAt + this.config.breaker.resetMs - Date.now());
  }

  onApplicationShutdown(): void {
    for (const { breaker } of this.breakers.values()) breaker.shutdown();
    this.breakers.clear();
  }

  private breakerFor(name: string, options: BreakerOptions): Named {
    const existing = this.breakers.get(name);
    if (existing) return existing;
    const isFailure = options.isFailure ?? (() => true);
    const breaker = new CircuitBreaker<[Action], unknown>((fn: Action) => fn(), {
      timeout: options.timeoutMs ?? false,
      resetTimeout: this.config.breaker.resetMs,
      volumeThreshold: options.volumeThreshold ?? DEFAULTS.volumeThreshold,
      errorThresholdPercentage: options.errorThresholdPercentage ?? DEFAULTS.errorThresholdPercentage,
      rollingCountTimeout: DEFAULTS.rollingCountTimeout,
      // opossum's filter names the errors that do not count.
      errorFilter: (error: unknown) => !isFailure(error),
    });
    const named: Named = { breaker, openedAt: 0 };
    const record = (state: BreakerState) => this.metrics.breakerState.set({ breaker: name }, BREAKER_STATE[state]);
    breaker.on('open', () => {
      named.openedAt = Date.now();
      record('open');
      this.logger.warn({ breaker: name, resetMs: this.config.breaker.resetMs }, `circuit breaker ${name} opened`);
    });
    breaker.on('halfOpen', () => {
      record('halfOpen');
      this.logger.log({ breaker: name }, `circuit breaker ${name} half-open: trying one call`);
    });
    breaker.on('close', () => {
      record('closed');
      this.logger.log({ breaker: name }, `circuit breaker ${name} closed`);
    });
    record('closed');
    this.breakers.set(name, named);
    return named;
  }
}

function stateOf(breaker: CircuitBreaker<[Action], unknown>): BreakerState {
  if (breaker.opened) return 'open';
  if (breaker.halfOpen) return 'halfOpen';
  return 'closed';
}
