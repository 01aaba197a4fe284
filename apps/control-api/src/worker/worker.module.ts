import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@helpdeskly/config';
import { PlatformModule } from '@helpdeskly/platform';
import { WorkerAuditModule } from './worker-audit.module';
import { QUEUE_CONSUMERS } from './workers.module';

/**
 * The worker process (`pnpm run start:worker`): every queue's consumer, with /health,
 * /health/ready and /metrics on WORKER_PORT and no API route. It shares control-api's services
 * (tenants, audit, emails), so several of it and control-api can run side by side.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [PlatformModule.forRoot(config), WorkerAuditModule, ...QUEUE_CONSUMERS],
    };
  }
}
