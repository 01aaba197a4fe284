// The email worker against its own Redis (killed and restarted, append-only so the jobs survive),
// the real PostgreSQL (through a proxy the test can cut) and the mail catcher: one send per
// Message-ID, recorded in email_deliveries before the job completes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getQueueToken } from '@nestjs/bullmq';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { expect } from 'expect';
import { Client } from 'pg';
import { ConfigModule, loadConfig } from '@helpdeskly/config';
import { MetricsModule, MetricsRegistry } from '@helpdeskly/metrics';
import { QUEUES, QueuesModule } from '@helpdeskly/queues';
import { RedisModule } from '@helpdeskly/redis';
import { RedisServer, TcpProxy, waitFor } from '@helpdeskly/testing';
import { MailCatcher } from './catcher/mail-catcher';
import { EmailOutbox, type EmailRequest } from './email-outbox';
import { MailModule } from './mail.module';
import { messageIdOf } from './templates/render';
import { startEmailWorker } from './testing/email-worker';

const LOCK_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('email send records: one send per Message-ID across Redis and PostgreSQL outages', () => {
  let dir: string;
  let redis: RedisServer;
  let pgProxy: TcpProxy;
  let db: Client;
  let catcher: MailCatcher;
  let producer: INestApplicationContext;
  let worker: INestApplicationContext;
  let outbox: EmailOutbox;
  let queue: Queue;
  let seq = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'helpdeskly-send-record-'));
    redis = await RedisServer.start({ persistent: true });
    catcher = await MailCatcher.start({ dir, httpPort: null });
    const pgUrl = new URL(process.env.CONTROL_DATABASE_URL!);
    pgProxy = await new TcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432)).start();
    db = new Client({ connectionString: pgUrl.toString() });
    await db.connect();
    const env = {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `hd-send-record-${process.pid}-${Date.now()}`,
      CONTROL_DATABASE_URL: Object.assign(new URL(pgUrl), { port: String(pgProxy.port) }).toString(),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(catcher.smtpPort),
      SMTP_TIMEOUT_MS: '3000',
      QUEUE_LOCK_DURATION_MS: String(LOCK_MS),
      LOG_LEVEL: 'silent',
    };
    @Module({
      imports: [
        ConfigModule.forRoot(loadConfig({ ...process.env, ...env })),
        RedisModule,
        QueuesModule,
        MetricsModule.forRoot(false),
        MailModule,
      ],
    })
    class ProducerModule {}
    producer = await NestFactory.createApplicationContext(ProducerModule, { logger: false });
    outbox = producer.get(EmailOutbox);
    queue = producer.get<Queue>(getQueueToken(QUEUES.email));
    worker = await startEmailWorker(env);
  });
  after(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await producer?.close();
    await db?.end();
    await pgProxy?.cut();
    await catcher?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const request = (): EmailRequest => ({
    template: 'password-reset',
    to: `user-${++seq}@example.test`,
    key: `k${process.pid}-${seq}-${Date.now()}`,
    data: { name: 'U', link: 'https://app.test/reset?token=t', expiresAt: new Date().toISOString() },
  });
  const caught = async (id: string) => (await catcher.messages()).filter((m) => m.messageId === messageIdOf(id)).length;
  const completed = async (id: string) => (await (await queue.getJob(id))?.getState()) === 'completed';
  const record = async (id: string) =>
    (
      await db.query<{ state: string; attempts: number; smtp_response: string | null }>(
        'SELECT state, attempts, smtp_response FROM email_deliveries WHERE message_id = $1',
        [messageIdOf(id)],
      )
    ).rows[0];
  const duplicates = async () =>
    (await worker.get(MetricsRegistry).emails.get()).values
      .filter((v) => v.labels.outcome === 'duplicate')
      .reduce((sum, v) => sum + v.value, 0);

  it('sends each email once when Redis dies between the SMTP accept and the completion of the jobs, and loses none', async () => {
    let outage: Promise<void> | undefined;
    // Redis is gone before the worker hears the 250 of the first message.
    catcher.onNextAccept(() => (outage = redis.stopServer()));
    const skippedBefore = await duplicates();
    const ids = await Promise.all(Array.from({ length: 5 }, () => outbox.enqueue(request())));
    await waitFor('Redis killed at the first accept', async () => outage !== undefined, 15_000);
    await outage;
    // Longer than a lock: back up, Redis no longer knows the attempts that were under way.
    await sleep(LOCK_MS + 1_000);
    await redis.startServer();

    await waitFor(
      'every job completed after the restart',
      async () => (await Promise.all(ids.map(completed))).every(Boolean),
      30_000,
    );
    // Two more lock durations: a second send (a stalled attempt taken again) would have happened by now.
    await sleep(2 * LOCK_MS);
    for (const id of ids) {
      expect(await caught(id)).toBe(1);
      expect(await record(id)).toMatchObject({ state: 'SENT', smtp_response: expect.stringMatching(/^250 /) });
    }
    // The attempt cut by the outage ran again and found its email sent.
    const retried = (await Promise.all(ids.map((id) => queue.getJob(id)))).filter((job) => job!.returnvalue?.skipped);
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect(await duplicates()).toBe(skippedBefore + retried.length);
  });

  it('completes a second job of an already sent Message-ID without sending anything', async () => {
    const email = request();
    const id = await outbox.enqueue(email);
    await waitFor('the first job completed', () => completed(id), 15_000);
    // As removeOnComplete does after a day: the same email enqueued again is a new job of the same id.
    await (await queue.getJob(id))!.remove();
    expect(await outbox.enqueue(email)).toBe(id);

    await waitFor('the second job completed', () => completed(id), 15_000);
    expect((await queue.getJob(id))!.returnvalue).toEqual({ messageId: messageIdOf(id), skipped: true });
    expect(await caught(id)).toBe(1);
    expect(await record(id)).toMatchObject({ state: 'SENT', attempts: 1 });
  });

  it('sends nothing while PostgreSQL cannot record the attempt, then sends once when it is back', async () => {
    await pgProxy.cut();
    const id = await outbox.enqueue(request());
    try {
      await waitFor('the attempt failed', async () => (await queue.getJob(id))?.attemptsMade === 1, 20_000);
      expect(await (await queue.getJob(id))!.getState()).toBe('delayed');
      expect(await caught(id)).toBe(0);
    } finally {
      await pgProxy.restore();
    }
    expect(await record(id)).toBeUndefined();
    // The retry comes after the backoff (10 s).
    await waitFor('the retry delivered it', () => completed(id), 30_000);
    expect(await caught(id)).toBe(1);
    expect(await record(id)).toMatchObject({ state: 'SENT', attempts: 1 });
  });
});
