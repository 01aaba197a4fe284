import type { AppConfig } from '@helpdeskly/config';
import {
  type DatabaseServerRef,
  type EncryptionKeys,
  type JwtKeys,
  Secrets,
  type SecretsStatus,
  SecretsUnavailableError,
} from './secrets';

/** Secrets from the environment (JWT_SECRET, JWT_PREVIOUS_SECRET, DB_ENCRYPTION_KEY as v1); they change with a restart. */
export class EnvironmentSecrets extends Secrets {
  private readonly jwt: JwtKeys;
  private readonly encryption: EncryptionKeys;

  constructor(config: AppConfig) {
    super();
    const { jwtSecret, jwtPreviousSecret, dbEncryptionKey } = config.auth;
    if (!jwtSecret) throw new SecretsUnavailableError('JWT_SECRET is not set');
    if (!dbEncryptionKey) throw new SecretsUnavailableError('DB_ENCRYPTION_KEY is not set');
    this.jwt = { current: jwtSecret, previous: jwtPreviousSecret };
    this.encryption = { keys: { v1: dbEncryptionKey }, current: 'v1' };
  }

  jwtKeys(): JwtKeys {
    return this.jwt;
  }

  encryptionKeys(): EncryptionKeys {
    return this.encryption;
  }

  /** Database server credentials live in their admin URL. */
  async databaseServerUrl(server: DatabaseServerRef): Promise<string> {
    return server.adminUrl;
  }

  async status(): Promise<SecretsStatus> {
    return { provider: 'environment', status: 'up' };
  }
}
