export const MIGRATION_ERROR_CODES = [
  /** A migration's SQL failed; its row stays in `_prisma_migrations` as failed. */
  'migration_failed',
  /** A migration failed on an earlier run and blocks every later one (Prisma's P3009). */
  'failed_migration_blocks',
  /** The migrations folder or schema file cannot be used as they are. */
  'invalid_migrations',
  /** Any other error of the schema engine or the database. */
  'engine_error',
] as const;
export type MigrationErrorCode = (typeof MIGRATION_ERROR_CODES)[number];

export interface MigrationErrorDetails {
  /** The migration the error is about, when there is one. */
  readonly migrationName?: string;
  /** Migrations this run applied before the error. */
  readonly applied?: readonly string[];
  readonly cause?: unknown;
}

/** Every failure of this library; `message` is one or two lines meant for a person. */
export class MigrationError extends Error {
  readonly migrationName?: string;
  readonly applied: readonly string[];

  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    details: MigrationErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'MigrationError';
    this.migrationName = details.migrationName;
    this.applied = details.applied ?? [];
  }
}

/** The message of anything thrown, without the Rust span trace ("   0: ...") engine errors end with. */
export function describeError(error: unknown): string {
  const message =
    typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return message.split(/\n\s+0: /)[0].trim();
}
