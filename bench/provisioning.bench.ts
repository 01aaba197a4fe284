// Provisioning time per tenant, in one run: N tenants cloned from the migrated template database
// versus N tenants whose empty database is migrated from scratch (the fallback). Every tenant is
// created through TenantsService.createTenant (control rows, role, database, privileges, audit) and
// deleted at the end. Uses the control database and server of .env (or of the environment).
//
//   pnpm run bench:provisioning [-- N]        (default N = 10)
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigError, ConfigModule, loadConfig, loadDotEnv } from '@helpdeskly/config';
import { CacheModule } from '@helpdeskly/cache';
import { DatabaseModule, type Tenant } from '@helpdeskly/database';
import { SecretsModule } from '@helpdeskly/secrets';
import { MetricsModule } from '@helpdeskly/metrics';
import { RedisModule } from '@helpdeskly/redis';
import { AuditModule } from '../apps/control-api/src/audit/audit.module';
import { TenantTemplateService, TenantsModule, TenantsService } from '@helpdeskly/tenants';

/** The fallback path on purpose: never clones, so every database is created empty and migrated. */
class EmptyDatabaseTemplateService extends TenantTemplateService {
  override async tryClone(): Promise<boolean> {
    return false;
  }
}

type Strategy = 'template' | 'empty';

async function context(strategy: Strategy): Promise<TestingModule> {
  const config = loadConfig();
  let builder = Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      SecretsModule,
      DatabaseModule,
      RedisModule,
      CacheModule,
      MetricsModule.forRoot(false),
      AuditModule,
      TenantsModule,
    ],
  });
  if (strategy === 'empty')
    builder = builder.overrideProvider(TenantTemplateService).useClass(EmptyDatabaseTemplateService);
  const moduleRef = await builder.compile();
  moduleRef.useLogger(['error', 'warn']);
  return moduleRef.init();
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const mid = sorted.length / 2;
  return {
    mean: samples.reduce((sum, x) => sum + x, 0) / samples.length,
    median: sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2,
    p95: at(0.95),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
  loadDotEnv();
  // pnpm 12 passes the `--` of `pnpm run bench:provisioning -- 20` on to the script.
  const [arg] = process.argv.slice(2).filter((a) => a !== '--');
  const count = Number(arg ?? 10);
  if (!Number.isInteger(count) || count < 1) throw new Error(`N must be a positive integer, got ${arg}`);
  const run = randomBytes(3).toString('hex');
  const modules = { template: await context('template'), empty: await context('empty') };
  const created: Array<{ tenants: TenantsService; tenant: Tenant }> = [];
  const timings: Record<Strategy, number[]> = { template: [], empty: [] };

  try {
    // Alternating, so that both strategies see the same state of the server (WAL, cache, load).
    // One warm-up each, not counted: creates or upgrades the template, loads the schema engine.
    for (let i = -1; i < count; i++) {
      for (const strategy of ['template', 'empty'] as const) {
        const tenants = modules[strategy].get(TenantsService);
        const started = performance.now();
        const tenant = await tenants.createTenant({
          slug: `bench-${run}-${strategy}-${i + 1}`,
          name: `Bench ${strategy} ${i + 1}`,
        });
        const elapsed = performance.now() - started;
        created.push({ tenants, tenant });
        if (i >= 0) timings[strategy].push(elapsed);
      }
    }
  } finally {
    const started = performance.now();
    for (const { tenants, tenant } of created)
      await tenants
        .deleteTenant(tenant.id)
        .catch((error: unknown) => console.error(`deleting ${tenant.slug} failed:`, error));
    const deletion = (performance.now() - started) / Math.max(created.length, 1);
    await Promise.all(Object.values(modules).map((m) => m.close()));
    if (timings.template.length === count && timings.empty.length === count) {
      const template = stats(timings.template);
      const empty = stats(timings.empty);
      console.log(
        `Provisioning one tenant through TenantsService.createTenant, ${count} tenants per strategy, one at a time:`,
      );
      console.table({
        'cloned from template': Object.fromEntries(Object.entries(template).map(([k, v]) => [k, ms(v)])),
        'empty + migrations': Object.fromEntries(Object.entries(empty).map(([k, v]) => [k, ms(v)])),
      });
      console.log(
        `ratio empty/template: ${(empty.mean / template.mean).toFixed(1)}x by mean, ${(empty.median / template.median).toFixed(1)}x by median`,
      );
      console.log(
        `deletion (DROP DATABASE WITH (FORCE) + DROP ROLE): ${ms(deletion)} per tenant; ${created.length} tenants removed`,
      );
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : error,
    );
    process.exit(1);
  },
);
