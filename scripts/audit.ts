// Audit log tools. `pnpm run audit -- verify [<tenant id>]` walks the hash chain of one tenant (of
// the platform, entries of no tenant, without an id) and prints the report; exit 1 when broken.
import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, ConfigModule, loadConfig, loadDotEnv } from '@helpdeskly/config';
import { DatabaseModule, isUuid } from '@helpdeskly/database';
import { SecretsModule } from '@helpdeskly/secrets';
import { MetricsModule } from '@helpdeskly/metrics';
import { AuditService, AuditTrailModule } from '@helpdeskly/audit';

const USAGE =
  'Usage: pnpm run audit -- verify [<tenant id>]\n\nExit codes: 0 the chain is intact; 1 it is broken; 2 bad usage.';

/** The control database and the audit trail, nothing else (no HTTP, no Redis). */
@Module({})
class AuditToolModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AuditToolModule,
      imports: [
        ConfigModule.forRoot(config),
        SecretsModule,
        DatabaseModule,
        MetricsModule.forRoot(false),
        AuditTrailModule,
      ],
    };
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, tenantId, ...rest] = argv[0] === '--' ? argv.slice(1) : argv;
  if (command !== 'verify' || rest.length > 0 || (tenantId !== undefined && !isUuid(tenantId))) {
    console.error(USAGE);
    return 2;
  }
  loadDotEnv();
  const app = await NestFactory.createApplicationContext(AuditToolModule.forRoot(loadConfig()), {
    logger: ['error', 'warn'],
  });
  try {
    const report = await app.get(AuditService).verifyChain(tenantId ?? null);
    console.log(JSON.stringify(report, null, 2));
    return report.valid ? 0 : 1;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
