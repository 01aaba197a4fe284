import { Injectable } from '@nestjs/common';
import { ReadinessDetail } from '@helpdeskly/health';
import { MailChannelFetcher } from './mail-channel-fetcher.service';

/**
 * `checks.mailChannels` of GET /health/ready where the fetcher runs: how many channels this process
 * fetches and those whose IMAP server fails now, with a reason code and the backoff left. Never
 * down: one tenant's mail server must not take a worker out of service.
 */
@Injectable()
export class MailChannelsReadiness extends ReadinessDetail {
  readonly key = 'mailChannels';

  constructor(private readonly fetcher: MailChannelFetcher) {
    super();
  }

  async read(): Promise<Record<string, unknown>> {
    if (!this.fetcher.enabled) return { fetching: false };
    const now = Date.now();
    return {
      fetching: true,
      channels: Object.keys(this.fetcher.states()).length,
      failing: this.fetcher.failures().map((f) => ({
        id: f.id,
        tenantId: f.tenantId,
        since: f.since.toISOString(),
        reason: f.reason,
        attempts: f.attempts,
        // Both null while an attempt runs.
        backoffSeconds: f.backoffMs === undefined ? null : f.backoffMs / 1000,
        nextAttemptInSeconds: f.nextAttemptAt ? Math.max(0, Math.ceil((f.nextAttemptAt.getTime() - now) / 1000)) : null,
      })),
    };
  }
}
