import { type JwtKeys, JwtKeySource } from '@helpdeskly/auth';

export type { JwtKeys };

/** Versions (`v1`, `v2`...) of the key that seals tenant database passwords and TOTP secrets; `current` seals. */
export interface EncryptionKeys {
  readonly keys: Readonly<Record<string, string>>;
  readonly current: string;
}

/** What a database server row says about itself: its name (the Vault path) and admin URL. */
export interface DatabaseServerRef {
  readonly name: string;
  readonly adminUrl: string;
}

export interface SecretsStatus {
  readonly provider: 'environment' | 'vault';
  /** `down`: the provider cannot be read; the secrets read before keep serving. */
  readonly status: 'up' | 'down';
  /** When the secrets were last read successfully. */
  readonly lastReadAt?: string;
  readonly failingSince?: string;
  readonly error?: string;
}

/** Raised when a secret is needed and cannot be had: at start-up the API refuses to start. */
export class SecretsUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretsUnavailableError';
  }
}

/**
 * Where the process's secrets come from (DI token): the environment by default
 * ({@link EnvironmentSecrets}), HashiCorp Vault when VAULT_ADDR is set ({@link VaultSecrets}).
 * Reads are synchronous from what was last fetched, so a rotated secret is picked up by the next
 * token signed or value sealed, without a restart.
 */
export abstract class Secrets extends JwtKeySource {
  private readonly listeners: (() => void)[] = [];

  abstract encryptionKeys(): EncryptionKeys;
  /** The server's admin URL with the credentials the provider holds for it (the URL's own when it holds none). */
  abstract databaseServerUrl(server: DatabaseServerRef): Promise<string>;
  /** For readiness: can the provider be read right now? */
  abstract status(): Promise<SecretsStatus>;

  /** `listener` runs after a re-read changed the JWT or encryption keys. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  protected changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** `url` with its user name and password replaced. */
export function withCredentials(
  url: string,
  credentials: { readonly username: string; readonly password: string },
): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(credentials.username);
  parsed.password = encodeURIComponent(credentials.password);
  return parsed.toString();
}
