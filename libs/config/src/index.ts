export { AppConfig, type S3StorageConfig, type StorageConfig, type VaultConfig } from './app-config';
export { ConfigModule } from './config.module';
export {
  DEFAULT_TENANT_GATEWAY_ROLE,
  Environment,
  LOG_LEVELS,
  NODE_ENVS,
  STORAGE_DRIVERS,
  type LogLevel,
  type NodeEnv,
  type StorageDriver,
} from './environment';
export {
  ConfigError,
  DEV_PGBOUNCER_SECRETS,
  EXAMPLE_SECRETS,
  loadConfig,
  loadDevGatewayPassword,
  loadDotEnv,
} from './load-config';
