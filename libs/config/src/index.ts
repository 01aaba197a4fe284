export { AppConfig, type VaultConfig } from './app-config';
export { ConfigModule } from './config.module';
export { Environment, LOG_LEVELS, NODE_ENVS, type LogLevel, type NodeEnv } from './environment';
export { ConfigError, EXAMPLE_SECRETS, loadConfig, loadDotEnv } from './load-config';
