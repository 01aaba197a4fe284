export { MetricsModule } from './metrics.module';
export { BREAKER_STATE, MetricsRegistry } from './metrics.registry';
