import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppConfig } from '@helpdeskly/config';
import { PrismaClient } from './generated/control/client';

/**
 * The control database (helpdeskly_control) through Prisma and node-postgres. Only repositories
 * inject it. It disconnects after the HTTP server has drained (onApplicationShutdown, not
 * onModuleDestroy, which Nest runs while requests may still be in flight).
 */
@Injectable()
export class ControlDatabase extends PrismaClient implements OnApplicationShutdown {
  constructor(config: AppConfig) {
    super({ adapter: new PrismaPg({ connectionString: config.database.controlUrl, max: 10, connectionTimeoutMillis: 5_000, application_name: 'helpdeskly' }) });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
