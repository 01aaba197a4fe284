import type { DynamicModule } from '@nestjs/common';
import { type AppConfig, ConfigError, loadConfig, loadDotEnv } from '@helpdeskly/config';
import { createLogger } from '@helpdeskly/logging';
import { SecretsUnavailableError } from '@helpdeskly/secrets';
import { createApp } from './create-app';
import type { ApiDescription } from './openapi';
import { handleShutdownSignals } from './shutdown';

/** main.ts of each API: parse the configuration once, refuse to start when it is invalid, listen. */
export async function bootstrap(
  api: ApiDescription,
  moduleFor: (config: AppConfig) => DynamicModule,
  portOf: (config: AppConfig) => number,
): Promise<void> {
  loadDotEnv();
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${api.name} refuses to start. ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger({ name: api.name, level: config.logging.level, pretty: config.logging.pretty });
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp(moduleFor(config), { config, api, logger });
  } catch (error) {
    // Vault configured but unreachable, or a secret missing: say which, and stop.
    if (!(error instanceof SecretsUnavailableError)) throw error;
    process.stderr.write(`${api.name} refuses to start. ${error.message}\n`);
    process.exit(69); // EX_UNAVAILABLE
  }
  handleShutdownSignals(app, logger, config.http.shutdownTimeoutMs);
  const port = portOf(config);
  try {
    await app.listen({ port, host: config.http.host });
  } catch (error) {
    // A start-up check found the configuration at odds with what it runs against (the tenant backend budget).
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${api.name} refuses to start. ${error.message}
`);
    process.exit(78);
  }
  logger.info({ port, swagger: config.features.swagger ? `/docs` : undefined }, `${api.name} listening`);
}
