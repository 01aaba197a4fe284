import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { ChannelFailure, MailChannelFetcher } from './mail-channel-fetcher.service';
import { MailChannelsReadiness } from './mail-channels-readiness';

/** The fetcher as readiness reads it: whether it runs, its sessions, their failures. */
const fetcherWith = (enabled: boolean, states: Record<string, string>, failures: ChannelFailure[]) =>
  ({ enabled, states: () => states, failures: () => failures }) as unknown as MailChannelFetcher;

describe(MailChannelsReadiness.name, () => {
  it('lists the failing channels with their reason code and the backoff left, never the error text', async () => {
    const since = new Date('2026-12-04T21:00:00.000Z');
    const sut = new MailChannelsReadiness(
      fetcherWith(true, { a: 'idle', b: 'failing', c: 'connecting' }, [
        {
          id: 'b',
          tenantId: 't',
          since,
          reason: 'unreachable',
          attempts: 4,
          backoffMs: 8_000,
          nextAttemptAt: new Date(Date.now() + 4_500),
        },
        { id: 'c', tenantId: 't', since, reason: 'login_failed', attempts: 1 },
      ]),
    );
    expect(await sut.read()).toEqual({
      fetching: true,
      channels: 3,
      failing: [
        {
          id: 'b',
          tenantId: 't',
          since: since.toISOString(),
          reason: 'unreachable',
          attempts: 4,
          backoffSeconds: 8,
          nextAttemptInSeconds: 5,
        },
        // Its next attempt runs now.
        {
          id: 'c',
          tenantId: 't',
          since: since.toISOString(),
          reason: 'login_failed',
          attempts: 1,
          backoffSeconds: null,
          nextAttemptInSeconds: null,
        },
      ],
    });
  });

  it('says so where the fetcher does not run', async () => {
    expect(await new MailChannelsReadiness(fetcherWith(false, {}, [])).read()).toEqual({ fetching: false });
  });
});
