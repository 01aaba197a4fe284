import { Injectable } from '@nestjs/common';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';

/** A 5xx answer: the service is unhealthy; counts against its breaker and reaches the caller. */
export class UpstreamError extends Error {
  constructor(
    readonly service: string,
    readonly response: Response,
  ) {
    super(`${service} answered ${response.status}`);
    this.name = 'UpstreamError';
  }
}

export interface OutboundRequestInit extends RequestInit {
  /** Milliseconds before the request is aborted (a failure of the service); default 5 s. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * fetch() through the breaker `http:<service>`, for every outbound HTTP call (Vault, webhooks):
 * network errors, timeouts and 5xx answers count as failures; while the breaker is open calls
 * fail at once with BreakerOpenError instead of waiting for a service that is down. Other answers
 * (2xx to 4xx) are returned as they are.
 */
@Injectable()
export class OutboundHttp {
  constructor(private readonly breakers: CircuitBreakerRegistry) {}

  fetch(service: string, url: string | URL, init: OutboundRequestInit = {}): Promise<Response> {
    const { timeoutMs = DEFAULT_TIMEOUT_MS, ...request } = init;
    return this.breakers.execute(`http:${service}`, async () => {
      const signal = request.signal
        ? AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs);
      const response = await fetch(url, { ...request, signal });
      if (response.status >= 500) throw new UpstreamError(service, response);
      return response;
    });
  }
}
