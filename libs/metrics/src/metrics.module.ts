import { type DynamicModule, Global, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics.registry';

/** Counts every request in onResponse, so 404s and errors answered by the filter count too. */
@Module({})
class RequestMetrics implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsRegistry,
  ) {}

  onModuleInit() {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      this.metrics.observeRequest(
        request.method,
        request.routeOptions?.url ?? '(unmatched)',
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}

/**
 * The registry, for every component to record into (always provided), and GET /metrics
 * (Prometheus text format) with request metrics when ENABLE_METRICS=true.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(enabled: boolean): DynamicModule {
    const base = { module: MetricsModule, providers: [MetricsRegistry], exports: [MetricsRegistry] };
    if (!enabled) return base;
    return { ...base, controllers: [MetricsController], providers: [MetricsRegistry, RequestMetrics] };
  }
}
