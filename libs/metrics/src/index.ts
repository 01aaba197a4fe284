export { BREAKER_STATE, MetricsRegistry } from './metrics.registry';
export { MetricsModule } from './metrics.module';
export { type MetricSample, parsePrometheusText, sampleSum } from './prometheus-text';
