// Tenant resolution (TenantResolver.resolve: the tenant row and the caller's membership) answered
// by each level of the shared cache, in one run: the in-process level, Redis (in-process TTL 0),
// and the control database (in-process TTL 0 and a cache Redis that is down, so every read
// loads; a refused command costs microseconds). Prints per-call latency and the ratios. One
// tenant and its owner are made with control-api's test fixture and deleted at the end. Uses .env
// (or the environment): PostgreSQL, PgBouncer, Redis and the migrated control database.
//
//   pnpm run bench:cache [-- CALLS]        (default 2000 per level)
import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import type { AuthContext } from '@helpdeskly/auth';
import { CacheModule } from '@helpdeskly/cache';
import { ConfigModule, loadConfig, loadDotEnv } from '@helpdeskly/config';
import { DatabaseModule } from '@helpdeskly/database';
import { SecretsModule } from '@helpdeskly/secrets';
import { MetricsModule } from '@helpdeskly/metrics';
import { RedisModule } from '@helpdeskly/redis';
import { freePort } from '@helpdeskly/testing';
import { TenantResolver } from '../apps/app-api/src/tenancy/tenant.resolver';
import { ControlFixture } from '../apps/control-api/src/testing/control-fixture';

type Level = 'l1' | 'redis' | 'database';

async function resolverModule(overrides: Record<string, string>): Promise<TestingModule> {
  const config = loadConfig({ ...process.env, ...overrides });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      SecretsModule,
      DatabaseModule,
      RedisModule,
      CacheModule,
      MetricsModule.forRoot(false),
    ],
    providers: [TenantResolver],
  }).compile();
  moduleRef.useLogger(false);
  return moduleRef.init();
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    meanUs: (samples.reduce((s, x) => s + x, 0) / samples.length) * 1000,
    p50Us: at(0.5) * 1000,
    p99Us: at(0.99) * 1000,
  };
}

async function main(): Promise<void> {
  loadDotEnv();
  const [calls = 2000] = process.argv
    .slice(2)
    .filter((a) => a !== '--')
    .map(Number);
  const quiet = { LOG_LEVEL: 'fatal', BCRYPT_ROUNDS: '4' };
  const control = await ControlFixture.start(quiet);
  const modules: Partial<Record<Level, TestingModule>> = {};
  try {
    const owner = await control.member(await control.createTenant());
    const auth: AuthContext = {
      userId: owner.user.id,
      tenantId: owner.tenant.id,
      role: owner.role,
      isPlatformAdmin: false,
      tokenId: 'bench',
      sessionId: 'bench',
      issuedAt: 0,
    };
    modules.l1 = await resolverModule({ ...quiet, TENANT_CACHE_TTL_SECONDS: '300' });
    modules.redis = await resolverModule({ ...quiet, TENANT_CACHE_TTL_SECONDS: '0' });
    modules.database = await resolverModule({
      ...quiet,
      TENANT_CACHE_TTL_SECONDS: '0',
      REDIS_CACHE_URL: `redis://127.0.0.1:${await freePort()}/0`,
    });
    const results = {} as Record<Level, ReturnType<typeof stats>>;
    for (const level of ['l1', 'redis', 'database'] as const) {
      const resolver = modules[level]!.get(TenantResolver);
      // Warm up: fills the level under test (and JIT), then measures one call at a time.
      for (let i = 0; i < 50; i++) await resolver.resolve(auth);
      const samples: number[] = [];
      for (let i = 0; i < calls; i++) {
        const started = performance.now();
        await resolver.resolve(auth);
        samples.push(performance.now() - started);
      }
      results[level] = stats(samples);
    }
    const round = (x: number) => Math.round(x * 10) / 10;
    console.table(
      Object.fromEntries(
        Object.entries(results).map(([level, s]) => [
          level,
          { 'mean µs': round(s.meanUs), 'p50 µs': round(s.p50Us), 'p99 µs': round(s.p99Us) },
        ]),
      ),
    );
    console.log(
      JSON.stringify({
        calls,
        redisOverL1: round(results.redis.meanUs / results.l1.meanUs),
        databaseOverRedis: round(results.database.meanUs / results.redis.meanUs),
        databaseOverL1: round(results.database.meanUs / results.l1.meanUs),
      }),
    );
  } finally {
    await Promise.all(Object.values(modules).map((m) => m.close()));
    await control.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
