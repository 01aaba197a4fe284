import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule } from '@helpdeskly/config';
import { DatabaseModule } from '@helpdeskly/database';
import { HealthModule } from '@helpdeskly/health';
import { MetricsModule } from '@helpdeskly/metrics';
import { RedisModule } from '@helpdeskly/redis';

/** control-api: tenants, users, memberships and authentication, over the control database. */
@Module({})
export class ControlApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ControlApiModule, imports: [ConfigModule.forRoot(config), DatabaseModule, RedisModule, HealthModule, MetricsModule.forRoot(config.features.metrics)] };
  }
}
