import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@helpdeskly/auth';
import type { AppConfig } from '@helpdeskly/config';
import { PlatformModule } from '@helpdeskly/platform';
import { RateLimitModule } from '@helpdeskly/rate-limit';
import { AuditModule } from './audit/audit.module';
import { AuthenticationModule } from './auth/authentication.module';
import { UsersModule } from './users/users.module';
import { TenantsModule } from './tenants/tenants.module';
import { TenantStatusModule } from './tenants/tenant-status.module';
import { PasswordsModule } from './passwords/passwords.module';
import { MembersModule } from './members/members.module';
import { TenantSettingsModule } from './settings/tenant-settings.module';
import { AdminModule } from './admin/admin.module';
import { WorkersModule } from './worker/workers.module';

/** control-api: tenants, users, memberships and authentication, over the control database. */
@Module({})
export class ControlApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ControlApiModule,
      imports: [
        PlatformModule.forRoot(config),
        AuthModule,
        // After AuthModule: its guard runs first, so limits can key on the verified caller.
        RateLimitModule,
        AuditModule,
        UsersModule,
        AuthenticationModule,
        TenantsModule,
        TenantStatusModule,
        PasswordsModule,
        MembersModule,
        TenantSettingsModule,
        AdminModule,
        WorkersModule.forRoot(config),
      ],
    };
  }
}
