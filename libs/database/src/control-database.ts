import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppConfig } from '@helpdeskly/config';
import { MetricsRegistry } from '@helpdeskly/metrics';
import { PrismaClient } from './generated/control/client';
import { queryDurationExtension } from './query-duration.extension';

/**
 * The control database (helpdeskly_control) through Prisma and node-postgres. Only repositories
 * inject it. It disconnects after the HTTP server has drained (onApplicationShutdown, not
 * onModuleDestroy, which Nest runs while requests may still be in flight).
 */
@Injectable()
export class ControlDatabase extends PrismaClient implements OnApplicationShutdown {
  constructor(config: AppConfig, metrics: MetricsRegistry) {
    super({
      adapter: new PrismaPg({
        connectionString: config.database.controlUrl,
        max: 10,
        connectionTimeoutMillis: 5_000,
        application_name: 'helpdeskly',
      }),
    });
    // Nest holds the extended client, which times every operation and keeps this class's methods.
    return this.$extends(queryDurationExtension('control', metrics.dbQueryDuration)) as unknown as this;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
