/** The admin server used when no URL is given: the machine's local PostgreSQL. */
export const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** `url` pointing at database `dbName` instead, keeping credentials, host and query parameters. */
export function withDatabase(url: string, dbName: string): string {
  if (!dbName) throw new Error('withDatabase: the database name is empty');
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(dbName)}`;
  return parsed.toString();
}

/** The database a URL points at, for messages (never the whole URL: it may hold a password). */
export function databaseNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || '(default database)';
  } catch {
    return '(invalid database URL)';
  }
}

/** Double-quotes an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
