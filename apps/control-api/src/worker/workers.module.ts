import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@helpdeskly/config';

/** The queue workers, inside control-api when RUN_WORKERS=true (the worker process always runs them). */
@Module({})
export class WorkersModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkersModule, imports: config.queues.runWorkers ? [] : [] };
  }
}
