import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type AppConfig, loadConfig } from '@helpdeskly/config';
import { type ApiDescription, createApp } from '@helpdeskly/http';
import { createLogger } from '@helpdeskly/logging';

/** The test environment (.env.test, exported by scripts/test.sh) with some variables replaced. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}

/** Every JSON line the app logged, kept in memory so a test can read it. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, callback: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  }

  get text(): string {
    return this.lines.join('\n');
  }

  entries(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export interface RunningTestApp {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  readonly baseUrl: string;
  readonly logs: LogCapture;
  close(): Promise<void>;
}

const TEST_API: ApiDescription = { name: 'test-api', title: 'test', description: 'test' };

/**
 * Builds an app exactly as the APIs' bootstrap does (createApp), listening on a free port of
 * 127.0.0.1, with its logs captured at debug level.
 */
export async function startTestApp(
  module: DynamicModule,
  options: { config?: AppConfig; api?: ApiDescription } = {},
): Promise<RunningTestApp> {
  const config = options.config ?? testConfig();
  const logs = new LogCapture();
  const api = options.api ?? TEST_API;
  const logger = createLogger({ name: api.name, level: 'debug', pretty: false, destination: logs });
  const app = await createApp(module, { config, api, logger });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, config, baseUrl: `http://127.0.0.1:${port}`, logs, close: () => app.close() };
}
