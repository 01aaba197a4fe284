export {
  BreakerOpenError,
  type BreakerOptions,
  type BreakerState,
  CircuitBreakerRegistry,
} from './circuit-breaker.registry';
export { type OutboundRequestInit, OutboundHttp, UpstreamError } from './outbound-http';
export { ResilienceModule } from './resilience.module';
