import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import type { DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@helpdeskly/config';
import type { ApiDescription } from '@helpdeskly/http';
import { startApiProcess } from './api-process';
import { freePort } from './free-port';
import { TcpProxy } from './tcp-proxy';
import { type RunningTestApp, startTestApp, testConfig } from './test-app';
import { waitFor } from './wait-for';

export interface ApiUnderTest {
  readonly app: 'control-api' | 'app-api';
  readonly api: ApiDescription;
  readonly moduleFor: (config: AppConfig) => DynamicModule;
}

const get = (base: string, path: string) => fetch(`${base}${path}`);

/**
 * What every API owes the platform, run against each app's real module: health and readiness
 * with each dependency up and down, docs only when enabled, configuration refused at start-up,
 * and graceful shutdown of the real process.
 */
export function apiFoundationSuite(subject: ApiUnderTest): void {
  const start = (overrides: Record<string, string> = {}) => {
    const config = testConfig(overrides);
    return startTestApp(subject.moduleFor(config), { config, api: subject.api });
  };

  describe(`${subject.app}: health and readiness`, () => {
    let running: RunningTestApp;
    before(async () => (running = await start()));
    after(() => running.close());

    it('answers liveness without checking dependencies, outside /v1', async () => {
      const response = await get(running.baseUrl, '/health');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok' });
      expect((await get(running.baseUrl, '/v1/health')).status).toBe(404);
    });

    it('is ready when the control database, Redis and PgBouncer answer', async () => {
      const response = await get(running.baseUrl, '/health/ready');
      const body = (await response.json()) as { checks: Record<string, { status: string }> };
      expect(response.status).toBe(200);
      expect(Object.keys(body.checks).sort()).toEqual(['database', 'pgbouncer', 'redis']);
      for (const check of Object.values(body.checks)) expect(check.status).toBe('up');
    });
  });

  describe(`${subject.app}: readiness names the dependency that is down`, () => {
    const cases: Array<[string, () => Promise<Record<string, string>>]> = [
      ['redis', async () => ({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` })],
      ['pgbouncer', async () => ({ PGBOUNCER_PORT: String(await freePort()) })],
      [
        'database',
        async () => ({
          CONTROL_DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/helpdeskly_control_test`,
        }),
      ],
    ];
    for (const [component, overrides] of cases) {
      it(`answers 503 naming ${component} when it is unreachable, while liveness stays 200`, async () => {
        const running = await start(await overrides());
        try {
          const response = await get(running.baseUrl, '/health/ready');
          expect(response.status).toBe(503);
          expect(response.headers.get('content-type')).toContain('application/problem+json');
          const body = (await response.json()) as {
            code: string;
            detail: string;
            down: string[];
            checks: Record<string, { status: string }>;
          };
          expect(body.code).toBe('not_ready');
          expect(body.down).toEqual([component]);
          expect(body.detail).toBe(`Unavailable: ${component}`);
          // A reason code, never the driver's text (hosts, ports, users): the route is public.
          expect(body.checks[component]).toEqual({ status: 'down', reason: 'unreachable' });
          expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|postgres|Error/);
          expect((await get(running.baseUrl, '/health')).status).toBe(200);
        } finally {
          await running.close();
        }
      });
    }

    it('follows a Redis outage and its recovery', async () => {
      const redis = new URL(testConfig().redis.url);
      const proxy = await new TcpProxy(redis.hostname, Number(redis.port || 6379)).start();
      const running = await start({ REDIS_URL: `redis://127.0.0.1:${proxy.port}${redis.pathname}` });
      const ready = async () => (await get(running.baseUrl, '/health/ready')).status;
      try {
        await waitFor('ready through the proxy', async () => (await ready()) === 200);
        await proxy.cut();
        const response = await get(running.baseUrl, '/health/ready');
        expect(response.status).toBe(503);
        expect(((await response.json()) as { down: string[] }).down).toEqual(['redis']);
        await proxy.restore();
        await waitFor('ready again after Redis came back', async () => (await ready()) === 200, 15_000);
      } finally {
        await running.close();
        await proxy.cut();
      }
    });
  });

  describe(`${subject.app}: OpenAPI`, () => {
    it('serves Swagger UI and the document at /docs only when ENABLE_SWAGGER=true', async () => {
      const off = await start({ ENABLE_SWAGGER: 'false' });
      try {
        expect((await get(off.baseUrl, '/docs')).status).toBe(404);
      } finally {
        await off.close();
      }
      const on = await start({ ENABLE_SWAGGER: 'true' });
      try {
        const ui = await get(on.baseUrl, '/docs');
        expect(ui.status).toBe(200);
        expect(await ui.text()).toContain('swagger-ui');
        const doc = (await (await get(on.baseUrl, '/docs/openapi.json')).json()) as {
          info: { title: string };
          paths: Record<string, unknown>;
        };
        expect(doc.info.title).toBe(subject.api.title);
        expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/health/ready']));
      } finally {
        await on.close();
      }
    });
  });

  describe(`${subject.app}: metrics`, () => {
    it('exposes Prometheus metrics labelled by route template when ENABLE_METRICS=true, and nothing otherwise', async () => {
      const on = await start({ ENABLE_METRICS: 'true' });
      try {
        await get(on.baseUrl, '/health');
        await get(on.baseUrl, '/v1/no-such-thing/12345');
        const response = await get(on.baseUrl, '/metrics');
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain('text/plain');
        const text = await response.text();
        expect(text).toContain('helpdeskly_http_requests_total{method="GET",route="/health",status="200"} 1');
        expect(text).toContain('route="(unmatched)",status="404"');
        expect(text).not.toContain('12345');
        expect(text).toContain('helpdeskly_process_cpu_seconds_total');
      } finally {
        await on.close();
      }
      const off = await start({ ENABLE_METRICS: 'false' });
      try {
        expect((await get(off.baseUrl, '/metrics')).status).toBe(404);
      } finally {
        await off.close();
      }
    });
  });

  describe(`${subject.app}: the real process`, () => {
    it('drains and exits 0 on SIGTERM', async () => {
      const proc = await startApiProcess(subject.app, await freePort());
      expect((await get(proc.baseUrl, '/health')).status).toBe(200);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      expect(proc.output()).toContain('shutdown complete');
    });

    it('refuses to start in production with an example secret, naming the variable', async () => {
      const port = await freePort();
      const { spawnSync } = await import('node:child_process');
      const { join } = await import('node:path');
      const result = spawnSync(
        process.execPath,
        ['--require', '@swc-node/register', join(__dirname, '../../../apps', subject.app, 'src/main.ts')],
        {
          cwd: join(__dirname, '../../..'),
          env: {
            ...process.env,
            NODE_ENV: 'production',
            JWT_SECRET: 'change-me-jwt-secret-at-least-32-characters-long',
            CONTROL_PORT: String(port),
            APP_PORT: String(port),
          },
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      expect(result.status).toBe(78);
      expect(result.stderr).toContain('JWT_SECRET is the example value from .env.example');
    });
  });
}
