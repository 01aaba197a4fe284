import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ResilienceModule } from '@helpdeskly/resilience';
import { HealthController } from './health.controller';
import { PgBouncerProbe } from './pgbouncer.probe';

/** `GET /health` (liveness) and `GET /health/ready` (readiness), identical on both APIs. */
@Module({
  imports: [DiscoveryModule, TerminusModule.forRoot({ logger: false }), ResilienceModule],
  controllers: [HealthController],
  providers: [PgBouncerProbe],
})
export class HealthModule {}
