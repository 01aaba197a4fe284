import { Client } from 'pg';
import { databaseNameOf } from './database-url';

/** Runs `run` on a dedicated connection to `databaseUrl` and closes it afterwards. */
export async function withSession<T>(databaseUrl: string, run: (session: Client) => Promise<T>): Promise<T> {
  const session = new Client({ connectionString: databaseUrl, application_name: 'helpdeskly-migrate' });
  try {
    await session.connect();
  } catch (error) {
    throw new Error(`Cannot connect to database ${databaseNameOf(databaseUrl)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return await run(session);
  } finally {
    await session.end();
  }
}
