// Demo data for development: the tenant "acme", provisioned as every tenant is (TenantsService: its
// own database and PostgreSQL role on the least loaded server), and an owner who can log in.
// Idempotent: a second run changes nothing (and finishes a provisioning that failed). Run as
// `pnpm run seed`; refused in production.
import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import bcrypt from 'bcrypt';
import { type AppConfig, ConfigError, ConfigModule, loadConfig, loadDotEnv } from '@helpdeskly/config';
import { CacheModule } from '@helpdeskly/cache';
import { ControlDatabase, DatabaseModule, type Tenant, TenantStatus } from '@helpdeskly/database';
import { tenantAddressOf } from '@helpdeskly/inbound-email';
import { SecretsModule } from '@helpdeskly/secrets';
import { MetricsModule } from '@helpdeskly/metrics';
import { RedisModule } from '@helpdeskly/redis';
import { AuditModule } from '../apps/control-api/src/audit/audit.module';
import { TenantsModule, TenantsService } from '@helpdeskly/tenants';

const TENANT = { slug: 'acme', name: 'Acme Support' };
/** The demo tenant's alias: acme.billing@INBOUND_DOMAIN. */
const DEMO_ALIAS = 'billing';
const DEMO_USER = { email: 'demo@helpdeskly.local', name: 'Demo Owner', password: 'Demo-Password-2026!' };

/** Just what provisioning needs, not the whole API (no HTTP); the shared cache, so running app-apis see a resumed tenant. */
@Module({})
class SeedModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SeedModule,
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
    };
  }
}

/** The demo tenant, ACTIVE: created, provisioned again after a failure, or resumed. */
async function ensureTenant(tenants: TenantsService): Promise<Tenant> {
  const existing = await tenants.findBySlug(TENANT.slug);
  if (!existing) return tenants.createTenant(TENANT);
  switch (existing.status) {
    case TenantStatus.ACTIVE:
      return existing;
    case TenantStatus.SUSPENDED:
      return tenants.resume(existing.id);
    case TenantStatus.PROVISIONING:
    case TenantStatus.FAILED:
      return tenants.provision(existing.id);
    default:
      throw new Error(
        `The demo tenant "${TENANT.slug}" is ${existing.status}; recreate the control database to seed it again.`,
      );
  }
}

async function seed(config: AppConfig): Promise<void> {
  const app = await NestFactory.createApplicationContext(SeedModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const tenant = await ensureTenant(app.get(TenantsService));
    const db = app.get(ControlDatabase);

    const email = DEMO_USER.email.toLowerCase();
    const user = await db.user.findUnique({ where: { email } });
    if (!user || !(await bcrypt.compare(DEMO_USER.password, user.passwordHash))) {
      const passwordHash = await bcrypt.hash(DEMO_USER.password, config.auth.bcryptRounds);
      await db.user.upsert({
        where: { email },
        create: { email, name: DEMO_USER.name, passwordHash },
        update: { passwordHash },
      });
    }
    const owner = await db.user.findUniqueOrThrow({ where: { email } });
    await db.membership.upsert({
      where: { userId_tenantId: { userId: owner.id, tenantId: tenant.id } },
      create: { userId: owner.id, tenantId: tenant.id, role: 'OWNER' },
      update: { role: 'OWNER' },
    });

    // A second address beside acme@, to show how a team tells billing mail from the rest.
    await db.emailAlias.upsert({
      where: { tenantId_name: { tenantId: tenant.id, name: DEMO_ALIAS } },
      create: { tenantId: tenant.id, name: DEMO_ALIAS },
      update: {},
    });

    console.log(
      `Seeded tenant "${TENANT.slug}" (database and role ${tenant.databaseName}) and its owner ${email} / ${DEMO_USER.password}`,
    );
    if (config.inbound.domain)
      console.log(
        `Mail to ${tenantAddressOf(TENANT.slug, null, config.inbound.domain)} or ${tenantAddressOf(TENANT.slug, DEMO_ALIAS, config.inbound.domain)} becomes its tickets`,
      );
  } finally {
    await app.close();
  }
}

async function main(): Promise<number> {
  loadDotEnv();
  if (process.env.NODE_ENV === 'production') {
    console.error('The demo seed is for development only; refusing to run with NODE_ENV=production.');
    return 1;
  }
  await seed(loadConfig());
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : error,
    );
    process.exit(1);
  },
);
