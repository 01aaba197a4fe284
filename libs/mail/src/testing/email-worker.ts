import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, ConfigModule, loadConfig } from '@helpdeskly/config';
import { DatabaseModule } from '@helpdeskly/database';
import { MetricsModule } from '@helpdeskly/metrics';
import { QueuesModule } from '@helpdeskly/queues';
import { RedisModule } from '@helpdeskly/redis';
import { SecretsModule } from '@helpdeskly/secrets';
import { EmailDeliveryModule } from '../email-delivery.module';
import { MailModule } from '../mail.module';

const ROOT = join(__dirname, '../../../..');

/** The modules the email processor needs, and nothing else: what a worker process runs for the queue `email`. */
export function emailWorkerModule(config: AppConfig) {
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      SecretsModule,
      DatabaseModule,
      RedisModule,
      QueuesModule,
      MetricsModule.forRoot(false),
      MailModule,
      EmailDeliveryModule,
    ],
  })
  class EmailWorkerModule {}
  return EmailWorkerModule;
}

/** An email worker in this process (a Nest application context), with the test environment plus `overrides`. */
export async function startEmailWorker(overrides: Record<string, string> = {}): Promise<INestApplicationContext> {
  const config = loadConfig({ ...process.env, ...overrides });
  const app = await NestFactory.createApplicationContext(emailWorkerModule(config), { logger: ['error'] });
  app.enableShutdownHooks();
  return app;
}

export interface EmailWorkerProcess {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | string>;
}

/** An email worker in its own process (email-worker.main.ts), ready once it has connected to Redis. */
export async function spawnEmailWorker(env: Record<string, string>): Promise<EmailWorkerProcess> {
  const child = spawn(process.execPath, ['--require', '@swc-node/register', join(__dirname, 'email-worker.main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`email worker did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('email worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    void exited.then(() => reject(new Error(`email worker exited:\n${output}`)));
  });
  return { child, output: () => output, exited };
}
