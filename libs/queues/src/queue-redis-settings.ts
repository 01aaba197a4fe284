import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@helpdeskly/config';
import { ReadinessDetail } from '@helpdeskly/health';
import { RedisClient } from '@helpdeskly/redis';
import { QueueConnections, type QueueRedisNode } from './queue-connections';

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
  /** On a Redis Cluster (QUEUE_REDIS_CLUSTER_NODES): each master's settings. */
  readonly nodes?: readonly {
    readonly address: string;
    readonly maxmemoryPolicy?: string;
    readonly appendonly?: string;
  }[];
}

/**
 * Checks that REDIS_URL (or every master of QUEUE_REDIS_CLUSTER_NODES) persists (appendonly yes) and never evicts (maxmemory-policy noeviction):
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
    private readonly connections: QueueConnections,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    const settings = await this.inspect();
    if (settings.unchecked)
      this.logger.warn(
        { reason: settings.unchecked },
        'could not read the persistence settings of the queues Redis (REDIS_URL)',
      );
    else if (settings.warnings.length > 0) {
      const context = {
        maxmemoryPolicy: settings.maxmemoryPolicy,
        appendonly: settings.appendonly,
        warnings: settings.warnings,
      };
      const message =
        'the queues Redis (REDIS_URL) may lose jobs: it must use appendonly yes and maxmemory-policy noeviction';
      if (this.config.env === 'production') this.logger.error(context, message);
      else this.logger.warn(context, message);
    }
  }

  async read(): Promise<Record<string, unknown>> {
    return { ...(await this.inspect()) };
  }

  /** REDIS_URL's settings, or on a cluster those of every master (each must be right). */
  async inspect(): Promise<QueueRedisSettings> {
    try {
      const single: QueueRedisNode = {
        address: 'REDIS_URL',
        config: (parameter) => this.redis.config('GET', parameter),
      };
      const nodes = await Promise.all(
        (await this.connections.nodes(single)).map(async (node) => ({
          address: node.address,
          maxmemoryPolicy: await get(node, 'maxmemory-policy'),
          appendonly: await get(node, 'appendonly'),
        })),
      );
      const warnings: string[] = [];
      for (const { address, maxmemoryPolicy, appendonly } of nodes) {
        const where = this.connections.clustered ? ` on ${address}` : '';
        if (maxmemoryPolicy !== 'noeviction')
          warnings.push(
            `maxmemory-policy is ${maxmemoryPolicy ?? 'unknown'}${where}: Redis may evict queued jobs under memory pressure`,
          );
        if (appendonly !== 'yes')
          warnings.push(
            `appendonly is ${appendonly ?? 'unknown'}${where}: queued jobs since the last snapshot are lost on a restart`,
          );
      }
      if (!this.connections.clustered)
        return { maxmemoryPolicy: nodes[0].maxmemoryPolicy, appendonly: nodes[0].appendonly, warnings };
      const same = (pick: (n: (typeof nodes)[number]) => string | undefined) =>
        new Set(nodes.map(pick)).size === 1 ? pick(nodes[0]) : 'mixed';
      return {
        maxmemoryPolicy: same((n) => n.maxmemoryPolicy),
        appendonly: same((n) => n.appendonly),
        warnings,
        nodes,
      };
    } catch (error) {
      return { warnings: [], unchecked: (error as Error).message };
    }
  }
}

async function get(node: QueueRedisNode, parameter: string): Promise<string | undefined> {
  const reply: unknown = await node.config(parameter);
  // RESP2 answers [name, value]; RESP3 a map.
  if (Array.isArray(reply)) return reply[1] === undefined ? undefined : String(reply[1]);
  if (reply instanceof Map) return reply.get(parameter) as string | undefined;
  return (reply as Record<string, string> | null)?.[parameter];
}
