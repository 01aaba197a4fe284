import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getQueueToken } from '@nestjs/bullmq';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { expect } from 'expect';
import { ConfigModule, loadConfig } from '@helpdeskly/config';
import { MetricsModule } from '@helpdeskly/metrics';
import { QUEUES, QueuesModule } from '@helpdeskly/queues';
import { RedisModule } from '@helpdeskly/redis';
import { CircuitBreakerRegistry } from '@helpdeskly/resilience';
import { waitFor } from '@helpdeskly/testing';
import { MailCatcher } from './catcher/mail-catcher';
import { EmailOutbox } from './email-outbox';
import { MailModule } from './mail.module';
import { messageIdOf } from './templates/render';
import { type EmailWorkerProcess, spawnEmailWorker, startEmailWorker } from './testing/email-worker';

const LOCK_MS = 2_000;
const RESET_MS = 1_500;

describe('email delivery: retries, failures and the SMTP breaker', () => {
  let dir: string;
  let catcher: MailCatcher;
  let env: Record<string, string>;
  let producer: INestApplicationContext;
  let outbox: EmailOutbox;
  let queue: Queue;
  const children: EmailWorkerProcess[] = [];
  let seq = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'helpdeskly-delivery-'));
    catcher = await MailCatcher.start({ dir, httpPort: null });
    env = {
      QUEUE_PREFIX: `hd-delivery-${process.pid}-${Date.now()}`,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(catcher.smtpPort),
      SMTP_TIMEOUT_MS: '3000',
      QUEUE_LOCK_DURATION_MS: String(LOCK_MS),
      BREAKER_RESET_MS: String(RESET_MS),
      LOG_LEVEL: 'silent',
    };
    const config = loadConfig({ ...process.env, ...env });
    @Module({
      imports: [ConfigModule.forRoot(config), RedisModule, QueuesModule, MetricsModule.forRoot(false), MailModule],
    })
    class ProducerModule {}
    producer = await NestFactory.createApplicationContext(ProducerModule, { logger: false });
    outbox = producer.get(EmailOutbox);
    queue = producer.get<Queue>(getQueueToken(QUEUES.email));
  });
  after(async () => {
    for (const child of children) child.child.kill('SIGKILL');
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await producer?.close();
    await catcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const enqueue = (to = `user-${++seq}@example.test`) =>
    outbox.enqueue({
      template: 'password-reset',
      to,
      key: `k${process.pid}-${seq}-${Date.now()}`,
      data: { name: 'U', link: 'https://app.test/reset?token=t', expiresAt: new Date().toISOString() },
    });
  const withMessageId = async (id: string) => (await catcher.messages()).filter((m) => m.messageId === messageIdOf(id));

  it('delivers exactly once a job whose worker was killed while the server held its DATA', async () => {
    catcher.stallNext(1);
    const first = await spawnEmailWorker(env);
    children.push(first);
    const id = await enqueue();
    await waitFor('the first worker sending, held at DATA', async () => catcher.stalled === 1, 15_000);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await spawnEmailWorker(env);
    children.push(second);
    await waitFor('the job delivered by the second worker', async () => (await withMessageId(id)).length === 1, 20_000);
    await waitFor('the job completed', async () => (await queue.getJob(id))?.finishedOn !== undefined, 10_000);
    // Two more lock durations: a second delivery (the dead worker's attempt) would have happened by now.
    await new Promise((r) => setTimeout(r, 2 * LOCK_MS));
    expect(await withMessageId(id)).toHaveLength(1);
    expect(await (await queue.getJob(id))!.getState()).toBe('completed');
    second.child.kill('SIGKILL');
    await second.exited;
  });

  describe('with a worker in this process', () => {
    let worker: INestApplicationContext;
    before(async () => (worker = await startEmailWorker(env)));
    after(() => worker?.close());

    it('fails a job the server rejects for good, once, keeping it in the failed set with the reason', async () => {
      catcher.rejectNext(1, 550, 'No such user here');
      const id = await enqueue();
      await waitFor('the job failed', async () => (await (await queue.getJob(id))?.getState()) === 'failed', 15_000);
      const job = (await queue.getJob(id))!;
      expect(job.failedReason).toContain('550');
      expect(job.attemptsMade).toBe(1);
      expect(await withMessageId(id)).toHaveLength(0);
    });

    it('opens the breaker while the server is down: jobs wait without spending attempts or hammering SMTP, then all go out', async () => {
      const breakers = worker.get(CircuitBreakerRegistry);
      catcher.refuseConnections(true);
      const before = catcher.connections;
      const ids = await Promise.all(Array.from({ length: 5 }, () => enqueue()));
      await waitFor('the smtp breaker open', async () => breakers.state('smtp') === 'open', 15_000);
      const opened = catcher.connections;
      // Several reset periods: without the breaker each of the 5 jobs would connect again and again.
      await new Promise((r) => setTimeout(r, 3 * RESET_MS));
      const during = catcher.connections - opened;
      expect(opened - before).toBeLessThanOrEqual(5);
      expect(during).toBeLessThanOrEqual(4);
      for (const id of ids) {
        const job = (await queue.getJob(id))!;
        expect(job.attemptsMade).toBe(0);
        expect(['waiting', 'prioritized', 'active', 'delayed']).toContain(await job.getState());
      }

      catcher.refuseConnections(false);
      await waitFor(
        'every waiting email delivered',
        async () => (await Promise.all(ids.map(withMessageId))).every((m) => m.length === 1),
        30_000,
      );
      await waitFor('the breaker closed', async () => breakers.state('smtp') === 'closed', 5_000);
      for (const id of ids) expect(await withMessageId(id)).toHaveLength(1);
    });
  });
});
