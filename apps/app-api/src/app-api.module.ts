import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@helpdeskly/auth';
import type { AppConfig } from '@helpdeskly/config';
import { PlatformModule } from '@helpdeskly/platform';
import { RateLimitModule } from '@helpdeskly/rate-limit';
import { CommentsModule } from './comments/comments.module';
import { ContactsModule } from './contacts/contacts.module';
import { HelpdeskOverviewModule } from './overview/helpdesk-overview.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { InboundEmailModule } from './inbound-email/inbound-email.module';
import { NotificationsModule } from './notifications/notifications.module';
import { SettingsModule } from './settings/settings.module';
import { TenancyModule } from './tenancy/tenancy.module';
import { TagsModule } from './tags/tags.module';
import { TicketSearchModule } from './tickets/search/ticket-search.module';
import { TicketsModule } from './tickets/tickets.module';

/** app-api: each tenant's helpdesk, served from the tenant's own database through PgBouncer. */
@Module({})
export class AppApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppApiModule,
      imports: [
        PlatformModule.forRoot(config),
        AuthModule,
        // After AuthModule: its guard runs first, so limits key on the verified tenant and user.
        RateLimitModule,
        TenancyModule,
        NotificationsModule,
        HelpdeskOverviewModule,
        CommentsModule,
        TagsModule,
        TicketSearchModule,
        SettingsModule,
        ContactsModule,
        TicketsModule,
        AttachmentsModule,
        InboundEmailModule,
      ],
    };
  }
}
