export { EnvironmentSecrets } from './environment-secrets';
export {
  type DatabaseServerRef,
  type EncryptionKeys,
  type JwtKeys,
  Secrets,
  type SecretsStatus,
  SecretsUnavailableError,
  withCredentials,
} from './secrets';
export { SecretsModule } from './secrets.module';
export { type KvSecret, VaultClient, VaultError } from './vault.client';
export { VAULT_SECRETS, VaultSecrets } from './vault-secrets';
