/** Prisma's error code for a write that broke a unique constraint. */
const UNIQUE_VIOLATION = 'P2002';

/** True when a Prisma write failed on a unique constraint (P2002); false for any other error. */
export const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
