import { Global, Module } from '@nestjs/common';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';
import { OutboundHttp } from './outbound-http';

/** The process's circuit breakers and outbound HTTP through them; one instance wherever it is imported. */
@Global()
@Module({ providers: [CircuitBreakerRegistry, OutboundHttp], exports: [CircuitBreakerRegistry, OutboundHttp] })
export class ResilienceModule {}
