import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { RedisClient } from '@helpdeskly/redis';

/** Compare-and-renew and compare-and-delete: a lock is only ever touched by the process holding it. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * One Redis lock per mail channel (SET NX PX), so that only one worker instance fetches a given
 * mailbox: the holder renews it while connected; a crashed holder's lock expires after `ttlMs`.
 */
@Injectable()
export class MailChannelLocks {
  readonly ttlMs = 30_000;
  /** This process's token: one per process is enough, the key names the channel. */
  private readonly token = randomBytes(12).toString('base64url');
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisClient,
    config: AppConfig,
  ) {
    this.prefix = `${config.queues.prefix}:mail-channel-lock:`;
  }

  async acquire(channelId: string): Promise<boolean> {
    return (await this.redis.set(this.prefix + channelId, this.token, 'PX', this.ttlMs, 'NX')) === 'OK';
  }

  /** False when the lock is no longer ours (expired and taken): the caller must stop fetching. */
  async renew(channelId: string): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.prefix + channelId, this.token, String(this.ttlMs))) === 1;
  }

  async release(channelId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.prefix + channelId, this.token);
  }
}
