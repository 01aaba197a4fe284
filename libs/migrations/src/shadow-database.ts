import { randomBytes } from 'node:crypto';
import { quoteIdentifier, withDatabase } from './database-url';
import { withSession } from './pg-session';

/** Prefix of the throw-away databases; the process id tells whose they are if one ever stays behind. */
export const SHADOW_DATABASE_PREFIX = 'helpdeskly_shadow_';

/**
 * Creates an empty database on the admin server for the engine to replay migrations into, hands
 * its URL to `run`, and drops it afterwards, also when `run` fails.
 */
export async function withShadowDatabase<T>(adminUrl: string, run: (shadowUrl: string) => Promise<T>): Promise<T> {
  const name = `${SHADOW_DATABASE_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  await runAdminStatement(adminUrl, `CREATE DATABASE ${quoteIdentifier(name)}`);
  try {
    return await run(withDatabase(adminUrl, name));
  } finally {
    // FORCE (PostgreSQL 13+) ends sessions the engine may not have closed yet.
    await runAdminStatement(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  }
}

async function runAdminStatement(adminUrl: string, sql: string): Promise<void> {
  await withSession(adminUrl, (session) => session.query(sql));
}
