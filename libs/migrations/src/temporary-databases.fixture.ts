import { randomBytes } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import { DEFAULT_ADMIN_URL, quoteIdentifier, withDatabase } from './database-url';
import { withSession } from './pg-session';

/** The server the integration specs create their databases on. */
export const ADMIN_URL = process.env.DATABASE_URL || DEFAULT_ADMIN_URL;

/** Throw-away databases of one spec file; `dropAll()` in afterAll removes them. */
export class TemporaryDatabases {
  private readonly names: string[] = [];

  /** Creates an empty database and returns its URL. */
  async create(label: string): Promise<string> {
    const name = `helpdeskly_test_${label}_${randomBytes(4).toString('hex')}`;
    await withSession(ADMIN_URL, (session) => session.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
    this.names.push(name);
    return withDatabase(ADMIN_URL, name);
  }

  async dropAll(): Promise<void> {
    const names = this.names.splice(0);
    await withSession(ADMIN_URL, async (session) => {
      for (const name of names) await session.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    });
  }
}

/** Runs `sql` on the database at `url` and returns its rows. */
export async function query<T extends QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  return withSession(url, async (session) => (await session.query<T>(sql, values)).rows);
}
