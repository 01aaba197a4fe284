import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { INestApplicationContext } from '@nestjs/common';
import { expect } from 'expect';
import { MailCatcher } from '@helpdeskly/mail';
import { TcpProxy, testConfig, waitFor } from '@helpdeskly/testing';
import { startEmailWorker } from '../../../../libs/mail/src/testing/email-worker';
import { uniqueSuffix } from '../../../control-api/src/testing/control-fixture';
import { AppFixture, type FixtureMember } from '../testing/app-fixture';

describe('ticket emails while Redis is down (transactional outbox)', () => {
  let dir: string;
  let catcher: MailCatcher;
  let proxy: TcpProxy;
  let fx: AppFixture;
  let worker: INestApplicationContext;
  let owner: FixtureMember;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'helpdeskly-outbox-'));
    catcher = await MailCatcher.start({ dir, httpPort: null });
    const redis = new URL(testConfig().redis.url);
    proxy = await new TcpProxy(redis.hostname, Number(redis.port || 6379)).start();
    const env = {
      QUEUE_PREFIX: `hd-outbox-${uniqueSuffix()}`,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(catcher.smtpPort),
    };
    // The API reaches Redis through the proxy; the worker directly, so only the API loses it.
    fx = await AppFixture.start({ ...env, REDIS_URL: `redis://127.0.0.1:${proxy.port}${redis.pathname}` });
    worker = await startEmailWorker(env);
    owner = await fx.createTenantWithOwner();
  });
  after(async () => {
    await worker?.close();
    await fx?.close();
    await proxy?.cut();
    await catcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the ticket (201) and delivers its email after Redis is back', async () => {
    const email = `customer-${uniqueSuffix()}@example.test`;
    await proxy.cut();
    const created = await fx.request('POST', '/v1/tickets', {
      token: owner.token,
      body: { subject: 'Queued while down', description: 'd', requester: { email } },
    });
    expect(created.status).toBe(201);
    expect(await fx.asTenant(owner, (db) => db.client().outboxMessage.count())).toBe(1);

    await proxy.restore();
    await waitFor(
      'the email delivered by the outbox sweep',
      async () => (await catcher.messages()).some((m) => m.to.includes(email)),
      45_000,
      250,
    );
    const delivered = (await catcher.messages()).filter((m) => m.to.includes(email));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.subject).toBe(`[#${created.body.number}] Queued while down`);
    await waitFor(
      'the outbox row deleted',
      async () => (await fx.asTenant(owner, (db) => db.client().outboxMessage.count())) === 0,
      10_000,
    );
  });
});
