// Requests per second of an authenticated app-api route (GET /v1/helpdesk) with the rate limiter
// on (one GCRA script call in Redis per request, two keys: tenant and user) and off, in one run:
// two app-api instances side by side, measured in alternating rounds so drift hits both alike.
// The limits are raised (RATE_LIMIT_PLAN_MULTIPLIER) so no request is refused. Uses .env (or the
// environment): PostgreSQL, PgBouncer, Redis and the migrated control database must be up.
//
//   pnpm run bench:rate-limit [-- REQUESTS_PER_ROUND [ROUNDS]]     (default 3000 4)
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, loadDotEnv } from '@helpdeskly/config';
import { createApp } from '@helpdeskly/http';
import { createLogger } from '@helpdeskly/logging';
import { APP_API } from '../apps/app-api/src/app-api';
import { AppApiModule } from '../apps/app-api/src/app-api.module';
import { ControlFixture, type FixtureMember } from '../apps/control-api/src/testing/control-fixture';

const CONCURRENCY = 16;

async function startAppApi(
  overrides: Record<string, string>,
): Promise<{ app: NestFastifyApplication; baseUrl: string }> {
  const config = loadConfig({ ...process.env, ...overrides });
  const app = await createApp(AppApiModule.forRoot(config), {
    config,
    api: APP_API,
    logger: createLogger({ name: 'bench', level: 'fatal', pretty: false }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

/** `total` requests, CONCURRENCY at a time, spread over the members; any non-200 aborts the bench. */
async function drive(baseUrl: string, members: FixtureMember[], total: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < total; i = next++) {
        const response = await fetch(`${baseUrl}/v1/helpdesk`, {
          headers: { authorization: `Bearer ${members[i % members.length].token}` },
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET /v1/helpdesk answered ${response.status}`);
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

async function main() {
  loadDotEnv();
  const [perRound = 3000, rounds = 4] = process.argv
    .slice(2)
    .filter((a) => a !== '--')
    .map(Number);
  const common = { LOG_LEVEL: 'fatal', RATE_LIMIT_PLAN_MULTIPLIER: '10000', TENANT_CLIENT_POOL_SIZE: '4' };
  const control = await ControlFixture.start(common);
  const instances = {
    on: await startAppApi({ ...common, RATE_LIMIT_ENABLED: 'true' }),
    off: await startAppApi({ ...common, RATE_LIMIT_ENABLED: 'false' }),
  };
  try {
    const tenants = await Promise.all([control.createTenant(), control.createTenant()]);
    const members = (await Promise.all(tenants.flatMap((t) => [control.member(t), control.member(t)]))).flat();
    const probe = await fetch(`${instances.on.baseUrl}/v1/helpdesk`, {
      headers: { authorization: `Bearer ${members[0].token}` },
    });
    if (!probe.headers.get('ratelimit')) throw new Error('the limiter is not on in the "on" instance');
    for (const instance of Object.values(instances)) await drive(instance.baseUrl, members, 500);

    const results: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        results[name].push(await drive(instances[name].baseUrl, members, perRound));
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `GET /v1/helpdesk, ${CONCURRENCY} concurrent, ${rounds} rounds of ${perRound} requests per mode, ${members.length} users in ${tenants.length} tenants`,
    );
    for (const name of ['off', 'on'] as const)
      console.log(
        `  limiter ${name.padEnd(3)}: ${mean(results[name]).toFixed(0)} req/s  (rounds: ${results[name].map((r) => r.toFixed(0)).join(', ')})`,
      );
    console.log(`  on / off: ${(mean(results.on) / mean(results.off)).toFixed(3)}`);
  } finally {
    await instances.on.app.close();
    await instances.off.app.close();
    await control.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
