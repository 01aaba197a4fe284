import { Module } from '@nestjs/common';
import { InboundDelivery } from './inbound-delivery';
import { MailChannelFetchRepository } from './mail-channel-fetch.repository';
import { MailChannelFetcher } from './mail-channel-fetcher.service';
import { MailChannelLocks } from './mail-channel-locks';
import { MailChannelsReadiness } from './mail-channels-readiness';

/** The fetching of tenants' IMAP mailboxes (where INBOUND_DELIVERY_URL is set), and its readiness detail. */
@Module({
  providers: [MailChannelFetchRepository, MailChannelLocks, InboundDelivery, MailChannelFetcher, MailChannelsReadiness],
  exports: [MailChannelFetcher],
})
export class MailChannelJobsModule {}
