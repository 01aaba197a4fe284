import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

/** What this library uses of @prisma/schema-engine-wasm once its WebAssembly is instantiated. */
export interface SchemaEngineWasm {
  readonly SchemaEngine: typeof SchemaEngine;
  version(): string;
}

type WasmExports = Record<string, unknown>;

// The project's lib (ES2023, no DOM) and @types/node 20 do not declare WebAssembly.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: WasmExports } }>;
};

interface WasmBindgenGlue extends SchemaEngineWasm {
  __wbg_set_wasm(exports: WasmExports): void;
}

interface PanicRegistry {
  message?: string;
  set_message(message: string): void;
}

// Node's own `import()` from CommonJS (the glue is an ES module). SWC would compile a literal
// `import()` into `require()`; a Function body is left alone.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
let loading: Promise<SchemaEngineWasm> | undefined;

/**
 * Instantiates the schema engine once per process and caches it.
 *
 * The package is an ES module whose entry imports the `.wasm` file, which Node 20 only allows
 * with --experimental-wasm-modules. So, as the package's own schema_engine.js does, we import the
 * wasm-bindgen glue (schema_engine_bg.js), instantiate schema_engine_bg.wasm ourselves and hand
 * its exports to the glue.
 */
export function loadSchemaEngineWasm(): Promise<SchemaEngineWasm> {
  loading ??= instantiate().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Forgets the loaded engine so the next load starts a fresh one; nothing is safe to call after a WASM panic. */
export function discardSchemaEngineWasm(): void {
  loading = undefined;
}

/** The message of the last Rust panic in the engine (a panic surfaces in JS as `RuntimeError: unreachable`). */
export function lastSchemaEnginePanic(): string | undefined {
  return panicRegistry().message;
}

async function instantiate(): Promise<SchemaEngineWasm> {
  panicRegistry();
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  // The glue keeps the instance in module state; a unique URL gives every instantiation its own
  // copy of it, so a reload after a panic cannot reuse the dead instance.
  const glue = (await importEsm(`${pathToFileURL(gluePath).href}?instance=${randomUUID()}`)) as WasmBindgenGlue;
  const bytes = await readFile(gluePath.replace(/\.js$/, '.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': withUnrefTimers(glue) });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

/**
 * The engine arms a 10 s timer around each advisory-lock wait and never clears it, which kept
 * every CLI run alive 10 s after its work. Its timers are unref'd instead; while an engine call is
 * in progress, `withSchemaEngine` keeps the process alive.
 */
function withUnrefTimers(glue: WasmBindgenGlue): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...glue };
  for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
    imports[name] = (callback: () => void, delay: number) => setTimeout(callback, delay >>> 0).unref();
  }
  return imports;
}

/**
 * The engine's panic hook reports to `global.PRISMA_WASM_PANIC_REGISTRY` (as Prisma's CLI sets
 * it up); without it a panic loses its message.
 */
function panicRegistry(): PanicRegistry {
  const registryHolder = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  registryHolder.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      this.message = message;
    },
  };
  return registryHolder.PRISMA_WASM_PANIC_REGISTRY;
}
