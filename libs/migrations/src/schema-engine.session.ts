import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { MigrationAdapterFactory } from './migration-adapter.factory';
import { MigrationError, describeError } from './migration.errors';
import { discardSchemaEngineWasm, lastSchemaEnginePanic, loadSchemaEngineWasm } from './schema-engine.loader';

export interface SchemaEngineSessionOptions {
  /** Database the engine connects to (direct URL, not PgBouncer). */
  readonly databaseUrl: string;
  /** Database the engine may use as its shadow database (created and dropped by the caller). */
  readonly shadowDatabaseUrl?: string;
  /** The Prisma schema file, for the datasource's namespaces. */
  readonly schema?: { readonly path: string; readonly content: string };
}

/** Hands `run` a fresh engine on its own connections; frees the engine and closes them afterwards. */
export async function withSchemaEngine<T>(
  options: SchemaEngineSessionOptions,
  run: (engine: SchemaEngine, adapters: MigrationAdapterFactory) => Promise<T>,
): Promise<T> {
  const wasm = await loadSchemaEngineWasm();
  const adapters = new MigrationAdapterFactory(options.databaseUrl, options.shadowDatabaseUrl);
  // The engine's own timers are unref'd (see the loader); this keeps the process up meanwhile.
  const keepAlive = setInterval(() => undefined, 60_000);
  let engine: SchemaEngine | undefined;
  try {
    engine = await wasm.SchemaEngine.new(
      { datamodels: options.schema ? [[options.schema.path, options.schema.content]] : undefined },
      logEngineLine,
      bindMigrationAwareSqlAdapterFactory(adapters),
    );
    return await run(engine, adapters);
  } catch (error) {
    throw asPanic(error) ?? error;
  } finally {
    try {
      engine?.free();
    } catch {
      // After a panic the instance is already discarded; its connections still get closed below.
    }
    await adapters.close();
    clearInterval(keepAlive);
  }
}

function logEngineLine(line: string): void {
  if (process.env.DEBUG) process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
}

/** A Rust panic leaves the WASM instance unusable: report its message and load a fresh one next time. */
function asPanic(error: unknown): MigrationError | undefined {
  if ((error as { name?: unknown } | null)?.name !== 'RuntimeError') return undefined;
  discardSchemaEngineWasm();
  const panic = lastSchemaEnginePanic();
  return new MigrationError('engine_error', `The schema engine crashed: ${panic ?? describeError(error)}`, {
    cause: error,
  });
}
