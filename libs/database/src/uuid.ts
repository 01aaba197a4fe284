/** A UUID in its canonical text form (any version, any case). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True when `value` is a UUID, so that it may be compared with a `uuid` column: PostgreSQL fails
 * the whole query on anything else, where the caller means "no such row".
 */
export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);
