import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule } from '@helpdeskly/config';
import { CacheModule } from '@helpdeskly/cache';
import { DatabaseModule } from '@helpdeskly/database';
import { SecretsModule } from '@helpdeskly/secrets';
import { HealthModule } from '@helpdeskly/health';
import { MailModule } from '@helpdeskly/mail';
import { MetricsModule } from '@helpdeskly/metrics';
import { QueuesModule } from '@helpdeskly/queues';
import { RedisModule } from '@helpdeskly/redis';
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
      imports: [
        ConfigModule.forRoot(config),
        // Before anything that signs, seals or connects: from Vault when VAULT_ADDR is set.
        SecretsModule,
        DatabaseModule,
        RedisModule,
        CacheModule,
        QueuesModule,
        MailModule,
        HealthModule,
        MetricsModule.forRoot(config.features.metrics),
        WorkerAuditModule,
        ...QUEUE_CONSUMERS,
      ],
    };
  }
}
