import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { ReadinessDetail } from '@helpdeskly/health';
import { RedisClient } from '@helpdeskly/redis';

/** What the queues' Redis says of its persistence, as read with CONFIG GET. */
export interface QueueRedisSettings {
  /** `noeviction` is the only policy that never drops a queued job. */
  readonly maxmemoryPolicy?: string;
  /** `yes`: every write is in the append-only file, so a restart keeps the queues. */
  readonly appendonly?: string;
  /** What is wrong for a queue Redis; empty when the settings are right. */
  readonly warnings: readonly string[];
  /** Set when Redis refused CONFIG (managed Redis often does) or did not answer. */
  readonly unchecked?: string;
}

/**
 * Checks that REDIS_URL persists (appendonly yes) and never evicts (maxmemory-policy noeviction):
 * logged once at start-up where workers run (error level in production), and shown in the
 * worker's readiness under `checks.queueRedis`. A Redis that refuses CONFIG is reported, not fatal.
 */
@Injectable()
export class QueueRedisSettingsCheck extends ReadinessDetail implements OnApplicationBootstrap {
  readonly key = 'queueRedis';
  private readonly logger = new Logger(QueueRedisSettingsCheck.name);

  constructor(
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    const settings = await this.inspect();
    if (settings.unchecked) this.logger.warn({ reason: settings.unchecked }, 'could not read the persistence settings of the queues Redis (REDIS_URL)');
    else if (settings.warnings.length > 0) {
      const context = { maxmemoryPolicy: settings.maxmemoryPolicy, appendonly: settings.appendonly, warnings: settings.warnings };
      const message = 'the queues Redis (REDIS_URL) may lose jobs: it must use appendonly yes and maxmemory-policy noeviction';
      if (this.config.env === 'production') this.logger.error(context, message);
      else this.logger.warn(context, message);
    }
  }

  async read(): Promise<Record<string, unknown>> {
    return { ...(await this.inspect()) };
  }

  async inspect(): Promise<QueueRedisSettings> {
    try {
      const maxmemoryPolicy = await this.get('maxmemory-policy');
      const appendonly = await this.get('appendonly');
      const warnings: string[] = [];
      if (maxmemoryPolicy !== 'noeviction') warnings.push(`maxmemory-policy is ${maxmemoryPolicy ?? 'unknown'}: Redis may evict queued jobs under memory pressure`);
      if (appendonly !== 'yes') warnings.push(`appendonly is ${appendonly ?? 'unknown'}: queued jobs since the last snapshot are lost on a restart`);
      return { maxmemoryPolicy, appendonly, warnings };
    } catch (error) {
      return { warnings: [], unchecked: (error as Error).message };
    }
  }

  private async get(parameter: string): Promise<string | undefined> {
    const reply: unknown = await this.redis.config('GET', parameter);
    // RESP2 answers [name, value]; RESP3 a map.
    if (Array.isArray(reply)) return reply[1] === undefined ? undefined : String(reply[1]);
    if (reply instanceof Map) return reply.get(parameter) as string | undefined;
    return (reply as Record<string, string> | null)?.[parameter];
  }
}
