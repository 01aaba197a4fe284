import type { ClientBase } from 'pg';

/** One row of `_prisma_migrations`, the table `prisma migrate deploy` (and the engine) keeps. */
export interface MigrationRow {
  readonly name: string;
  readonly finished: boolean;
  readonly rolledBack: boolean;
}

/** The rows in the order they were started; none when the table does not exist yet. */
export async function readMigrationRows(client: ClientBase): Promise<MigrationRow[]> {
  const {
    rows: [table],
  } = await client.query<{ exists: boolean }>(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists`);
  if (!table.exists) return [];
  const { rows } = await client.query<{ name: string; finished: boolean; rolled_back: boolean }>(
    `SELECT migration_name AS name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
       FROM _prisma_migrations ORDER BY started_at, migration_name`,
  );
  return rows.map((row) => ({ name: row.name, finished: row.finished, rolledBack: row.rolled_back }));
}

/** Names of the migrations that finished and were not rolled back. */
export function appliedNames(rows: readonly MigrationRow[]): Set<string> {
  return new Set(rows.filter((row) => row.finished && !row.rolledBack).map((row) => row.name));
}

/** Names of the migrations that started, never finished and were not marked rolled back (they block deploys). */
export function failedNames(rows: readonly MigrationRow[]): string[] {
  return [...new Set(rows.filter((row) => !row.finished && !row.rolledBack).map((row) => row.name))];
}
