import { type AppConfig, loadConfig } from '@helpdeskly/config';

/**
 * The variables loadConfig requires, with placeholder values that reach nothing: a unit spec's
 * configuration, independent of the machine's environment (testConfig reads .env.test instead).
 */
const REQUIRED = {
  CONTROL_DATABASE_URL: 'postgresql://u@h/c',
  DATABASE_URL: 'postgresql://u@h/p',
  DB_ENCRYPTION_KEY: 'k'.repeat(40),
  TENANT_GATEWAY_PASSWORD: 'g'.repeat(40),
  JWT_SECRET: 's'.repeat(40),
  LOG_LEVEL: 'silent',
} as const;

/** The environment of a unit spec: the required variables, then `overrides` (validated as in production). */
export function unitEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return { ...REQUIRED, ...overrides };
}

/** loadConfig over {@link unitEnv}: throws ConfigError as production would for a bad override. */
export function unitConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig(unitEnv(overrides));
}
