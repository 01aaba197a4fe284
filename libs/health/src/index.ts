export { HealthModule } from './health.module';
export { ReadinessDetail } from './readiness-detail';
