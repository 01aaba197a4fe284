/** Keys that sign and verify JWTs: `current` signs; `previous` and `next` only verify (rotation). */
export interface JwtKeys {
  readonly current: string;
  readonly previous?: string;
  /** Published before it becomes current, so every instance already accepts it when one starts signing with it. */
  readonly next?: string;
}

/**
 * Where {@link AccessTokenService} gets its keys, asked on every use so that a rotation needs no
 * restart. Provided by @helpdeskly/secrets (the environment, or Vault).
 */
export abstract class JwtKeySource {
  abstract jwtKeys(): JwtKeys;
}
