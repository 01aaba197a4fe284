import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics.registry';

/** Counts every request in onResponse, so 404s and errors answered by the filter count too. */
@Module({})
class RequestMetrics implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost, private readonly metrics: MetricsRegistry) {}

  onModuleInit() {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      this.metrics.observeRequest(request.method, request.routeOptions?.url ?? '(unmatched)', reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
}

/** GET /metrics (Prometheus text format) when ENABLE_METRICS=true; absent otherwise. */
@Module({})
export class MetricsModule {
  static forRoot(enabled: boolean): DynamicModule {
    if (!enabled) return { module: MetricsModule };
    return { module: MetricsModule, controllers: [MetricsController], providers: [MetricsRegistry, RequestMetrics], exports: [MetricsRegistry] };
  }
}
