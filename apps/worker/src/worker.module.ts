import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@helpdeskly/config';
import { JobsModule } from '@helpdeskly/jobs';
import { PlatformModule } from '@helpdeskly/platform';

/**
 * The worker app (`pnpm run start:worker`): every queue's consumer, with /health, /health/ready
 * and /metrics on WORKER_PORT and no API route. Its jobs share the tenants and audit libs with
 * control-api, so several workers and control-apis can run side by side.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [PlatformModule.forRoot(config), JobsModule] };
  }
}
