// Queue depths read on scrape from a Redis server of the test's own, which it freezes (SIGSTOP)
// to check that a Redis that stops answering leaves the scrape working.
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { ConfigModule } from '@helpdeskly/config';
import { MetricsModule, MetricsRegistry, parsePrometheusText, sampleSum } from '@helpdeskly/metrics';
import { RedisServer, testConfig, waitFor } from '@helpdeskly/testing';
import { QUEUE_NAMES, QUEUES } from './queue-names';
import { QUEUE_JOB_STATES, QUEUE_JOBS_METRIC, QUEUE_JOBS_SCRAPE_FAILURES_METRIC, QueueMetrics } from './queue.metrics';
import { QueuesModule } from './queues.module';

describe(QueueMetrics.name, () => {
  let server: RedisServer;
  let moduleRef: TestingModule;
  let metrics: MetricsRegistry;

  const scrape = async () => parsePrometheusText(await metrics.registry.metrics());

  before(async () => {
    server = await RedisServer.start();
    const config = testConfig({ REDIS_URL: server.url, QUEUE_PREFIX: 'queue-metrics-spec' });
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), MetricsModule.forRoot(false), QueuesModule],
    }).compile();
    await moduleRef.init();
    metrics = moduleRef.get(MetricsRegistry);
  });

  after(async () => {
    server?.resume();
    await moduleRef?.close();
    await server?.stop();
  });

  it('reads the jobs of every queue by state', async () => {
    const email = moduleRef.get<Queue>(getQueueToken(QUEUES.email));
    await email.add('welcome', {});
    await email.add('digest', {}, { delay: 60_000 });
    const samples = await scrape();
    for (const queue of QUEUE_NAMES) {
      expect(
        samples
          .filter((s) => s.name === QUEUE_JOBS_METRIC && s.labels.queue === queue)
          .map((s) => s.labels.state)
          .sort(),
      ).toEqual([...QUEUE_JOB_STATES].sort());
    }
    expect(sampleSum(samples, QUEUE_JOBS_METRIC, { queue: QUEUES.email, state: 'waiting' })).toBe(1);
    expect(sampleSum(samples, QUEUE_JOBS_METRIC, { queue: QUEUES.email, state: 'delayed' })).toBe(1);
    expect(sampleSum(samples, QUEUE_JOBS_METRIC, { queue: QUEUES.provisioning })).toBe(0);
    expect(sampleSum(samples, QUEUE_JOBS_SCRAPE_FAILURES_METRIC)).toBe(0);
  });

  it('leaves the depths out, and counts it, while Redis does not answer; they come back with it', async () => {
    server.pause();
    const scraped = await Promise.race([
      scrape(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000)),
    ]);
    expect(scraped).not.toBeNull();
    expect(scraped!.filter((s) => s.name === QUEUE_JOBS_METRIC)).toEqual([]);
    for (const queue of QUEUE_NAMES) expect(sampleSum(scraped!, QUEUE_JOBS_SCRAPE_FAILURES_METRIC, { queue })).toBe(1);
    expect(sampleSum(scraped!, 'helpdeskly_http_requests_total')).toBe(0);
    expect(scraped!.some((s) => s.name === 'helpdeskly_process_cpu_seconds_total')).toBe(true);

    server.resume();
    await waitFor(
      'queue depths again',
      async () => sampleSum(await scrape(), QUEUE_JOBS_METRIC, { queue: QUEUES.email, state: 'waiting' }) === 1,
    );
  });
});
