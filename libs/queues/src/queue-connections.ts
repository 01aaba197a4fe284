import {
  type BeforeApplicationShutdown,
  Global,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { AppConfig } from '@helpdeskly/config';

/** One node's answer to CONFIG GET, for the persistence check. */
export interface QueueRedisNode {
  readonly address: string;
  config(parameter: string): Promise<unknown>;
}

/**
 * The connections of BullMQ: REDIS_URL by default, or a Redis Cluster when
 * QUEUE_REDIS_CLUSTER_NODES is set (then QUEUE_PREFIX carries a hash tag, `{helpdeskly}`, so the
 * keys of a queue share one slot, as BullMQ's multi-key scripts need). A Cluster has to be given to
 * BullMQ as an instance, which BullMQ does not close: this provider closes them, after the queues
 * and workers (its module is deeper in the import graph, so it shuts down later).
 */
@Injectable()
export class QueueConnections implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(QueueConnections.name);
  private readonly clusters: Cluster[] = [];
  private inspection?: Cluster;
  private shuttingDown = false;
  /**
   * ioredis' own backoff, until the app shuts down. BullMQ closes a producer's connection with
   * QUIT, which a connection without an offline queue refuses while it is reconnecting; BullMQ
   * then marks it ended and drops its listeners, and ioredis went on reconnecting for ever,
   * keeping the process alive and printing "Unhandled error event".
   */
  private readonly retryStrategy = (attempt: number): number | null =>
    this.shuttingDown ? null : Math.min(attempt * 50, 2_000);

  constructor(private readonly config: AppConfig) {}

  get clustered(): boolean {
    return this.config.redis.queueClusterNodes.length > 0;
  }

  /** Producers: without an offline queue an add fails at once while Redis is down, instead of piling up in memory. */
  forQueues(): ConnectionOptions {
    return this.clustered
      ? this.cluster(false)
      : { url: this.config.redis.url, enableOfflineQueue: false, retryStrategy: this.retryStrategy };
  }

  /** A worker's own connection (BullMQ duplicates it for the blocking one). */
  forWorker(): ConnectionOptions {
    return this.clustered ? this.cluster(true) : { url: this.config.redis.url, retryStrategy: this.retryStrategy };
  }

  /** Every master of the cluster (or the one Redis of REDIS_URL through `single`), for CONFIG GET. */
  async nodes(single: QueueRedisNode): Promise<QueueRedisNode[]> {
    if (!this.clustered) return [single];
    this.inspection ??= this.cluster(false);
    const cluster = this.inspection;
    await waitReady(cluster);
    return cluster.nodes('master').map((node) => ({
      address: `${node.options.host}:${node.options.port}`,
      config: (parameter: string) => node.config('GET', parameter),
    }));
  }

  /** Before the queues and workers close: a connection that is down stops retrying. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.clusters.map((cluster) =>
        cluster.status === 'ready'
          ? cluster.quit().then(
              () => undefined,
              () => cluster.disconnect(),
            )
          : cluster.disconnect(),
      ),
    );
    this.clusters.length = 0;
    this.inspection = undefined;
  }

  private cluster(offlineQueue: boolean): Cluster {
    const cluster = new Cluster(
      this.config.redis.queueClusterNodes.map(({ host, port }) => ({ host, port })),
      {
        enableOfflineQueue: offlineQueue,
        clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
        // BullMQ's blocking connections need maxRetriesPerRequest null (it checks).
        redisOptions: { connectTimeout: 2_000, maxRetriesPerRequest: null },
      },
    );
    let reported = false;
    cluster.on('error', (error: Error) => {
      if (!reported)
        this.logger.warn({ err: error }, 'queue Redis Cluster connection error; retrying in the background');
      reported = true;
    });
    cluster.on('ready', () => (reported = false));
    this.clusters.push(cluster);
    return cluster;
  }
}

function waitReady(cluster: Cluster): Promise<void> {
  if (cluster.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the queue Redis Cluster is not ready')), 5_000);
    cluster.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Global: the queues (BullModule's root), the workers and the settings check share it. */
@Global()
@Module({ providers: [QueueConnections], exports: [QueueConnections] })
export class QueueConnectionsModule {}
