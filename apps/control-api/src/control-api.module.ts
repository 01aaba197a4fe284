import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@helpdeskly/auth';
import { JobsModule } from '@helpdeskly/jobs';
import type { AppConfig } from '@helpdeskly/config';
import { PlatformModule } from '@helpdeskly/platform';
import { RateLimitModule } from '@helpdeskly/rate-limit';
import { TenantsModule } from '@helpdeskly/tenants';
import { AuditModule } from './audit/audit.module';
import { AuthenticationModule } from './auth/authentication.module';
import { UsersModule } from './users/users.module';
import { TenantStatusModule } from './tenants/tenant-status.module';
import { PasswordsModule } from './passwords/passwords.module';
import { MembersModule } from './members/members.module';
import { TenantSettingsModule } from './settings/tenant-settings.module';
import { MailChannelsModule } from './mail-channels/mail-channels.module';
import { EmailAliasesModule } from './email-aliases/email-aliases.module';
import { AdminModule } from './admin/admin.module';

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
        MailChannelsModule,
        EmailAliasesModule,
        AdminModule,
        // RUN_WORKERS: the worker app's jobs in this process too (a convenience for one-box set-ups).
        ...(config.queues.runWorkers ? [JobsModule] : []),
      ],
    };
  }
}
