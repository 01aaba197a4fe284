import { PrismaPg } from '@prisma/adapter-pg';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from '@prisma/driver-adapter-utils';
import type { Pool } from 'pg';

const PG_CHAR = 18;
const PG_CHAR_ARRAY = 1002;
const PG_TEXT = 25;
const PG_TEXT_ARRAY = 1009;

/** The members of @prisma/adapter-pg 7's adapter and transaction that we adjust (not in its public types). */
interface PgQueryableInternals {
  performIO(query: SqlQuery): Promise<{ fields?: Array<{ dataTypeID: number }> } | undefined>;
  onError(error: unknown): never;
}

/**
 * Driver adapters for the schema engine, on @prisma/adapter-pg, with three corrections:
 *
 * - PostgreSQL's internal one-byte `"char"` type (pg_class.relkind, pg_constraint.contype, ...)
 *   has no mapping in @prisma/adapter-pg 7, so every introspection (any diff from a migrations
 *   folder) failed with "Column type 'char' could not be deserialized". Those columns arrive as
 *   strings and are relabelled `text`.
 * - adapter-pg's `executeScript` splits the script on every `;` and runs the pieces one by one:
 *   a `;` inside a string or a `$$` function body breaks it, and a failing migration is left half
 *   applied. We send the whole script as one simple-protocol query instead, which PostgreSQL runs
 *   atomically, as the native schema engine does.
 * - Connections are tracked and closed by `close()`; `SchemaEngine.free()` does not close them.
 *
 * Only direct (admin) URLs belong here, never the PgBouncer port: scripts may rely on session state.
 */
export class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  /** The last error PostgreSQL raised while running a migration script, in PostgreSQL's words. */
  lastScriptError: { message: string; code?: string } | undefined;
  private readonly connections: SqlDriverAdapter[] = [];

  constructor(
    private readonly databaseUrl: string,
    private readonly shadowDatabaseUrl?: string,
  ) {}

  connect(): Promise<SqlDriverAdapter> {
    return this.open(this.databaseUrl);
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    if (!this.shadowDatabaseUrl) throw new Error('This operation needs a shadow database and none was provided');
    return this.open(this.shadowDatabaseUrl);
  }

  async close(): Promise<void> {
    const connections = this.connections.splice(0);
    await Promise.allSettled(connections.map((connection) => connection.dispose()));
  }

  private async open(url: string): Promise<SqlDriverAdapter> {
    const adapter = await new PrismaPg({
      connectionString: url,
      max: 2,
      application_name: 'helpdeskly-migrate',
    }).connect();
    relabelCharColumns(adapter);
    const pool = adapter.underlyingDriver();
    adapter.executeScript = (script) => this.runScript(pool, adapter, script);
    adapter.dispose = once(adapter.dispose.bind(adapter));
    this.connections.push(adapter);
    return adapter;
  }

  private async runScript(pool: Pool, adapter: SqlDriverAdapter, script: string): Promise<void> {
    try {
      await pool.query(script);
    } catch (error) {
      const { message, code } = error as { message: string; code?: string };
      this.lastScriptError = { message, code };
      internals(adapter).onError(error);
    }
  }
}

function relabelCharColumns<T extends SqlDriverAdapter | Transaction>(queryable: T): T {
  const target = internals(queryable);
  const performIO = target.performIO.bind(target);
  target.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR) field.dataTypeID = PG_TEXT;
      else if (field.dataTypeID === PG_CHAR_ARRAY) field.dataTypeID = PG_TEXT_ARRAY;
    }
    return result;
  };
  if ('startTransaction' in queryable) {
    const startTransaction = queryable.startTransaction.bind(queryable);
    queryable.startTransaction = async (isolationLevel) => relabelCharColumns(await startTransaction(isolationLevel));
  }
  return queryable;
}

function internals(queryable: SqlDriverAdapter | Transaction): PgQueryableInternals {
  const candidate = queryable as unknown as Partial<PgQueryableInternals>;
  if (typeof candidate.performIO !== 'function' || typeof candidate.onError !== 'function') {
    throw new Error(
      '@prisma/adapter-pg changed shape (performIO/onError missing); update libs/migrations/src/migration-adapter.factory.ts',
    );
  }
  return candidate as PgQueryableInternals;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
