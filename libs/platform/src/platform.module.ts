import { type DynamicModule, Module } from '@nestjs/common';
import { CacheModule } from '@helpdeskly/cache';
import { type AppConfig, ConfigModule } from '@helpdeskly/config';
import { DatabaseModule } from '@helpdeskly/database';
import { HealthModule } from '@helpdeskly/health';
import { MailModule } from '@helpdeskly/mail';
import { MetricsModule } from '@helpdeskly/metrics';
import { QueuesModule } from '@helpdeskly/queues';
import { RedisModule } from '@helpdeskly/redis';
import { SecretsModule } from '@helpdeskly/secrets';

/**
 * What every process of Helpdeskly stands on, in the order it must start: the parsed
 * configuration, secrets (from Vault when VAULT_ADDR is set) before anything that signs, seals or
 * connects, then the control database, Redis, the shared cache, the job queues, email, health and
 * metrics. Each app's root module imports it first and adds its own features. All but health are
 * global modules, so nothing needs re-exporting.
 */
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        SecretsModule,
        DatabaseModule,
        RedisModule,
        CacheModule,
        QueuesModule,
        MailModule,
        HealthModule,
        MetricsModule.forRoot(config.features.metrics),
      ],
    };
  }
}
