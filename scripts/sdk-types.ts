// Writes libs/sdk/src/generated/<api>.ts, the TypeScript types of openapi/<api>.json, with
// openapi-typescript. `pnpm run openapi` runs it after writing the documents; alone:
//   pnpm run sdk:types            write the files
//   pnpm run sdk:types -- --check exit 1 when a committed file is out of date
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

const ROOT = join(__dirname, '..');
const OPENAPI_DIR = join(ROOT, 'openapi');
export const SDK_TYPES_DIR = join(ROOT, 'libs', 'sdk', 'src', 'generated');
export const SDK_APIS = ['control-api', 'app-api'] as const;

/** The types openapi-typescript makes of each document (`control-api.json` → `control-api.ts`), keyed by file name. */
export async function renderSdkTypes(
  documents: Record<string, string> = readOpenApiDocuments(),
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const api of SDK_APIS) {
    const document = documents[`${api}.json`];
    if (document === undefined) throw new Error(`openapi/${api}.json is missing: run pnpm run openapi`);
    // A field with a default stays optional: request bodies may leave it out (CreateTicketDto's priority).
    const ast = await openapiTS(JSON.parse(document), { silent: true, defaultNonNullable: false });
    out[`${api}.ts`] =
      `${COMMENT_HEADER}// From openapi/${api}.json: regenerate with \`pnpm run openapi\`.\n\n${astToString(ast)}`;
  }
  return out;
}

/** openapi/*.json as committed. */
export function readOpenApiDocuments(): Record<string, string> {
  return Object.fromEntries(
    SDK_APIS.map((api) => [`${api}.json`, readFileSync(join(OPENAPI_DIR, `${api}.json`), 'utf8')]),
  );
}

/** Writes the files, or with `check` counts those that differ (printing which); answers how many are stale. */
export function writeSdkTypes(types: Record<string, string>, check: boolean): number {
  return writeGeneratedFiles(SDK_TYPES_DIR, 'libs/sdk/src/generated', types, check);
}

/**
 * Writes generated files into `dir` (named `label` in messages), or with `check` writes nothing
 * and counts those whose committed text differs, printing each; answers that count.
 */
export function writeGeneratedFiles(dir: string, label: string, files: Record<string, string>, check: boolean): number {
  let stale = 0;
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    const path = join(dir, file);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        /* missing counts as stale */
      }
      if (current !== text) {
        stale++;
        console.error(`${label}/${file} is out of date: run pnpm run openapi`);
      }
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${label}/${file}`);
    }
  }
  return stale;
}

if (require.main === module) {
  renderSdkTypes()
    .then((types) => process.exit(writeSdkTypes(types, process.argv.includes('--check')) > 0 ? 1 : 0))
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
